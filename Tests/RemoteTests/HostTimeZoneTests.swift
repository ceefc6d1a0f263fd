import Foundation
@testable import Remote
import Testing
import TestSupport

@Suite("the agent host's time zone")
struct HostTimeZoneTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var tz = "", etc = "", link = "", offset = ""
        var expected: String?   // identifier, or "GMT+0545"-style for offsets
        var testDescription: String { "TZ=\(tz) etc=\(etc) link=\(link) offset=\(offset)" }
    }

    static let cases: [Case] = [
        Case(tz: "Europe/Berlin", etc: "Etc/UTC", link: "/usr/share/zoneinfo/Asia/Tokyo", offset: "+0000", expected: "Europe/Berlin"),
        Case(tz: ":America/New_York", expected: "America/New_York"),
        Case(tz: "/usr/share/zoneinfo/Asia/Tokyo", etc: "Asia/Kolkata", expected: "Asia/Kolkata"),   // a path TZ: not a name
        Case(tz: "Not/AZone", etc: "Australia/Sydney", expected: "Australia/Sydney"),
        Case(etc: "  Europe/Paris ", expected: "Europe/Paris"),
        Case(link: "/usr/share/zoneinfo/America/Sao_Paulo", expected: "America/Sao_Paulo"),
        Case(link: "../usr/share/zoneinfo/Etc/UTC", offset: "+0000", expected: "Etc/UTC"),
        Case(link: "/etc/some-other-file", offset: "+0545", expected: "GMT+0545"),
        Case(offset: "-0330", expected: "GMT-0330"),
        Case(offset: "+1400", expected: "GMT+1400"),
        Case(offset: "+2500", expected: nil),
        Case(offset: "0100", expected: nil),
        Case(expected: nil),
    ]

    @Test(arguments: cases)
    func zoneFromTheHostsFacts(_ c: Case) {
        let zone = HostTimeZone.zone(tz: c.tz, etcTimezone: c.etc, localtimeLink: c.link, offset: c.offset)
        guard let expected = c.expected else { #expect(zone == nil); return }
        if expected.hasPrefix("GMT") {
            let sign = expected.dropFirst(3).first == "-" ? -1 : 1
            let digits = expected.suffix(4)
            let seconds = sign * (Int(digits.prefix(2))! * 3600 + Int(digits.suffix(2))! * 60)
            #expect(zone?.secondsFromGMT() == seconds)
        } else {
            #expect(zone?.identifier == expected)
        }
    }

    @Test("read on the host: its TZ wins (a shell started with TZ=Asia/Kathmandu)")
    func readOnTheHost() async throws {
        guard RealPart.shouldRun(true) else { return }
        struct Zoned: Transport {
            let local = LocalTransport(logger: quietLogger)
            var endpointDescription: String { "zoned" }
            func run(_ argv: [String], stdin: [UInt8]?, timeout: Duration) async throws -> CommandResult {
                try await local.run(argv, stdin: stdin, timeout: timeout)
            }
            func start(_ argv: [String]) async throws -> any CommandStream {
                try await local.start(["env", "TZ=Asia/Kathmandu"] + argv)
            }
        }
        let shell = HostShell(transport: Zoned())
        #expect(await HostTimeZone.read(shell)?.identifier == "Asia/Kathmandu")
        await shell.close()
    }

    @Test("read over SSH: the zone's offset now is the one the host's own clock prints", arguments: [false, true])
    func readOverSSH(overSSH: Bool) async throws {
        try await TmuxHarness.with(overSSH: overSSH) { harness in
            let zone = try #require(await HostTimeZone.read(harness.tmux.hostShell))
            let printed = try await LocalTransport(logger: quietLogger).run(["date", "+%z"], stdin: nil, timeout: .seconds(5))
            let o = String(decoding: printed.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let seconds = (o.hasPrefix("-") ? -1 : 1) * (Int(o.dropFirst().prefix(2))! * 3600 + Int(o.suffix(2))! * 60)
            #expect(zone.secondsFromGMT() == seconds)
        }
    }
}
