import Agents
import Foundation
import Testing
import TestSupport

/// `escalator screen` run as a user would (the built binary), on screens written from the
/// spec and on a live capture of claude-sim.
@Suite("escalator screen")
struct ScreenCommandTests {
    let escalator = BuiltProducts.executable("escalator")

    func runScreen(_ arguments: [String], stdin: String? = nil) throws -> RunResult? {
        guard FileManager.default.isExecutableFile(atPath: escalator) else {
            Issue.record("build escalator first: \(escalator)")
            return nil
        }
        return try runBinary(escalator, ["screen"] + arguments, stdin: stdin)
    }

    @Test func jsonForAPickerOnStdin() throws {
        let pane = try #require(ParserCases.pickers.first).pane
        guard let result = try runScreen(["--json"], stdin: pane) else { return }
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["state"] as? String == "picker")
        #expect(object["answer"] is NSNull)
        let picker = try #require(object["picker"] as? [String: Any])
        #expect(picker["cursor"] as? Int == 3)
        let options = try #require(picker["options"] as? [[String: Any]])
        #expect(options.map { $0["label"] as? String } == ["Default (recommended)", "Opus", "Sonnet", "Haiku"])
    }

    @Test func readableTextForAnIdleFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("pane.txt")
        try ParserCases.idle[0].pane.write(toFile: file, atomically: true, encoding: .utf8)
        guard let result = try runScreen([file]) else { return }
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("state: idle\n"))
        #expect(result.stdout.contains("answer:\n" + ParserCases.answerText))
    }

    @Test func markerAgent() throws {
        let pane = "$ ask Q\nThe answer.\nEND-1\n$ \n"
        guard let result = try runScreen(["--agent", "marker", "--marker", "END-1", "--json"], stdin: pane) else { return }
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"state\" : \"idle\""))
        #expect(result.stdout.contains("\"answer\" : \"$ ask Q\\nThe answer.\""))
    }

    @Test func missingFileIsAOneLineErrorWithTheFix() throws {
        guard let result = try runScreen(["/nonexistent/pane.txt"]) else { return }
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(result.stderr.contains("capture-pane"))
    }
}
