import Foundation
import Testing
@testable import Agents

@Suite("Claude Code 2.1.332 real captures")
struct RealCaptureTests {
    let profile = ClaudeCodeProfile()

    @Test("reads each real screen", arguments: RealCaptures.all)
    func reads(_ c: RealCapture) throws {
        let pane = try c.pane()
        var submission: Submission? = c.sent.map { Submission(prompt: $0, text: $0, steps: []) }
        if c.echoIndex != nil && submission == nil { submission = Submission(prompt: "", text: "", steps: []) }
        submission?.echoIndex = c.echoIndex
        let state = profile.parse(pane, after: submission)
        #expect(state.kind == c.kind, "\(c): \(state)")
        if let answer = c.answer { #expect(state.answer == answer, "\(c)") }
        if c.noAnswer { #expect(state.answer == nil, "\(c): \(String(describing: state.answer))") }
        if let excluded = c.answerExcludes { #expect(state.answer?.contains(excluded) != true, "\(c)") }
        if let fragment = c.detailContains {
            #expect(state.detail?.contains(fragment) == true, "\(c): \(String(describing: state.detail))")
        }
        if let labels = c.labels { #expect(state.menu?.options.map(\.label) == labels, "\(c)") }
        if let cursor = c.cursor { #expect(state.menu?.cursor == cursor, "\(c)") }
        if let current = c.current { #expect(state.menu?.current == current, "\(c)") }
        if let footer = c.footerContains { #expect(state.menu?.footer?.contains(footer) == true, "\(c)") }
        if let title = c.title { #expect(state.menu?.title == title, "\(c)") }
        if let question = c.question { #expect(state.menu?.question == question, "\(c)") }
        #expect(state.dialogKind == c.dialogKind, "\(c)")
        #expect(state.errorKind == c.errorKind, "\(c)")
        #expect(state.retryAttempt == c.retryAttempt, "\(c)")
        #expect(state.retryOf == c.retryOf, "\(c)")
        if let mode = c.permissionMode { #expect(state.permissionMode == mode, "\(c)") }
        if let count = c.echoCount { #expect(state.echoCount == count, "\(c)") }
        if let echoed = c.echoed { #expect(state.promptEchoed == echoed, "\(c)") }
        if let prices = c.prices { #expect(state.menu?.options.map(\.price) == prices, "\(c)") }
        if c.kind == .picker { #expect(state.picker != nil) } else { #expect(state.picker == nil) }
    }

    @Test func everyCaptureHasACase() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: RealCapture.directory.path)
            .filter { $0.hasSuffix(".txt") }
        let covered = Set(RealCaptures.all.map(\.file))
        #expect(Set(files).subtracting(covered).sorted() == [])
        #expect(covered.subtracting(files).sorted() == [])
    }

    @Test func capturesArePlainText() throws {
        for c in RealCaptures.all {
            let pane = try c.pane()
            #expect(!pane.contains("\u{1b}"), "\(c)")
        }
    }
}
