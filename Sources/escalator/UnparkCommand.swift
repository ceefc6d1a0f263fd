import ArgumentParser
import Foundation
import Routing

/// `escalator unpark`: clear a tier's usage-limit parking by hand.
struct UnparkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpark",
        abstract: "Let a tier parked after a usage limit be tried again now, before its reset time.",
        discussion: """
        When a remote tier's agent shows a usage limit ("You've hit your limit · resets 10pm \
        (America/New_York)"), escalator parks the tier until that reset time (or for \
        remote.limit_park_minutes when the message names none): every question, in every escalator \
        process, skips it and falls back to the next tier, and it is tried again once the time has \
        passed. `escalator stats` and `escalator doctor` list the parked tiers. Unpark one when you \
        know its limit is lifted early (a plan upgrade, usage credits); if it is not, the next \
        question parks it again.

        Examples:
          escalator unpark opus
          escalator unpark --all
          escalator unpark sonnet --ledger /srv/escalator/ledger.sqlite
        """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var ledgerOptions: LedgerOptions
    @Argument(help: ArgumentHelp("The tiers to unpark, as `escalator stats` names them.", valueName: "tier"))
    var tiers: [String] = []
    @Flag(help: "Unpark every parked tier.") var all = false

    func validate() throws {
        if tiers.isEmpty && !all { throw ValidationError("name a tier to unpark (see `escalator stats`), or pass --all") }
        if !tiers.isEmpty && all { throw ValidationError("give tier names or --all, not both") }
    }

    func run() async throws {
        let context = try options.context()
        try await CLIErrors.translating {
            let ledger = try ledgerOptions.open(context)
            let names = all ? try ledger.parkedTiers().map(\.tier) : tiers
            if names.isEmpty { print("no tier is parked (in \(ledger.path))") }
            var missing: [String] = []
            for name in names {
                if try ledger.unpark(name) { print("\(name): unparked; the next question may use it") } else { missing.append(name) }
            }
            if !missing.isEmpty {
                let parked = try ledger.parkedTiers().map(\.tier)
                throw CLIError(description: "\(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") not parked in \(ledger.path)"
                               + " — parked: " + (parked.isEmpty ? "none" : parked.joined(separator: ", ")))
            }
        }
    }
}
