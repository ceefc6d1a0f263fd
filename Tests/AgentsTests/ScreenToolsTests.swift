import Testing
@testable import Agents

@Suite("Pane text, wrap joiner and marker profile")
struct ScreenToolsTests {
    @Test func normalisesPaneText() {
        let pane = "\u{1b}[31mred\u{1b}[0m  \r\n❯\u{00A0}\n\u{1b}]8;;http://x\u{07}link\u{1b}]8;;\u{07}\n\n\n"
        #expect(PaneText.lines(pane) == ["red", "❯", "link"])
        #expect(PaneText.collapsed("  a \u{00A0} b\n c ") == "a b c")
    }

    @Test func joinsWrappedRowsButKeepsShortOnes() {
        let joiner = WrapJoiner(width: 40, slack: 4)
        let rows = ["one two three four five six seven eight",
                    "nine ten",
                    "",
                    "short line",
                    "another short line",
                    "- item one two three four five six seven",
                    "  eight nine",
                    "- next"]
        #expect(joiner.join(rows) == ["one two three four five six seven eight nine ten", "", "short line",
                                      "another short line", "- item one two three four five six seven eight nine",
                                      "- next"])
    }

    @Test func joinerKeepsIndentedCode() {
        let joiner = WrapJoiner(width: 40, slack: 4)
        let rows = ["func f() {", "    return 1", "}"]
        #expect(joiner.join(rows) == rows)
    }

    static let fixedMarker = "ESCALATOR-END-0000ABCD"

    @Test func markerProfileSubmissionCarriesInstruction() {
        let profile = MarkerProfile(makeMarker: { Self.fixedMarker })
        let sub = profile.submission(for: "What is 2+2?")
        #expect(sub.marker == Self.fixedMarker)
        #expect(sub.text.hasPrefix("What is 2+2? "))
        #expect(sub.text.contains("\"\(Self.fixedMarker)\""))
        #expect(sub.steps.last == .key(.enter))
        #expect(MarkerProfile.randomMarker() != MarkerProfile.randomMarker())
    }

    @Test func markerProfileStates() {
        let profile = MarkerProfile(makeMarker: { Self.fixedMarker })
        let sub = profile.submission(for: "What is 2+2?")
        let echo = "$ ask " + sub.text
        let waiting = profile.parse(echo + "\nthinking\n", after: sub)
        #expect(waiting.kind == .busy)
        let done = profile.parse(echo + "\n  The answer is 4.\n\n    (exactly)\n  \(Self.fixedMarker)\n$ \n", after: sub)
        #expect(done.kind == .idle)
        #expect(done.answer == "The answer is 4.\n\n  (exactly)")
        // A marker from an earlier question above the echo does not count.
        let stale = profile.parse("old\n\(Self.fixedMarker)\n" + echo + "\nworking\n", after: sub)
        #expect(stale.kind == .busy)
        #expect(profile.parse("anything", after: nil).kind == .unknown)
        // Behind a bullet, as Claude Code would draw it.
        let bullet = profile.parse(echo + "\n● Four.\n  \(Self.fixedMarker)\n", after: sub)
        #expect(bullet.answer == "● Four.")
    }

    @Test func markerEchoWrappedAcrossRowsIsNotTheMarker() {
        let profile = MarkerProfile(makeMarker: { Self.fixedMarker })
        let sub = profile.submission(for: "Q")
        let pane = "❯ Q When you have finished, end your answer with a line containing only\n  \"\(Self.fixedMarker)\" (without the quotes).\n"
        #expect(profile.parse(pane, after: sub).kind == .busy)
    }
}
