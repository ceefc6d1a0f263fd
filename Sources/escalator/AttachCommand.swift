import ArgumentParser
import Foundation
import Routing

/// `escalator attach`: watch an agent session the way escalator sees it.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Watch a remote tier's agent session in tmux (detach with Ctrl-b d).",
        discussion: """
        Prints the tmux (or ssh + tmux) command that attaches to the tier's session, and runs it \
        when standard output is a terminal. Attaching is safe while escalator works: it types \
        through tmux, so you see exactly what it types and reads.

        Examples:
          escalator attach            # the sonnet session
          escalator attach opus --print
        """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "A remote tier: sonnet, opus, or another configured one.") var tier = "sonnet"
    @Flag(help: "Only print the command.") var print = false

    func run() throws {
        let context = try options.context()
        let choice: TierChoice
        let tiers = context.settings.tiers
        do { choice = try TierChoice(parsing: tier, in: tiers) } catch { throw CLIError(description: "\(error)") }
        guard case .forced(let chosen) = choice, !chosen.isLocal else {
            throw CLIError(description: "\(tier) has no agent session — use one of: " + tiers.tiers.filter { !$0.isLocal }.map(\.name).joined(separator: ", "))
        }
        let remote: RemoteAgents
        do { remote = try RemoteAgents(settings: context.settings, logger: context.logger) } catch {
            throw CLIError(description: "\(error)")
        }
        let command = remote.attachCommand(chosen)
        let text = command.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        if print || isatty(STDOUT_FILENO) == 0 {
            Swift.print(text)
            return
        }
        let argv = command.map { strdup($0) } + [nil]
        execvp(command[0], argv)
        throw CLIError(description: "could not run \(command[0]): \(String(cString: strerror(errno))) — run it yourself: \(text)")
    }
}
