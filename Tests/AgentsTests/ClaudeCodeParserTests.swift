import Testing
@testable import Agents

@Suite("Claude Code screen parser")
struct ClaudeCodeParserTests {
    let profile = ClaudeCodeProfile()

    @Test("reads each screen", arguments: ParserCases.all)
    func reads(_ c: ParserCase) {
        let state = profile.parse(c.pane, after: c.sent.map { profile.submission(for: $0) })
        #expect(state.kind == c.kind, "\(c.name): \(state)")
        if let answer = c.answer { #expect(state.answer == answer, "\(c.name)") }
        if c.noAnswer { #expect(state.answer == nil, "\(c.name)") }
        if let fragment = c.detailContains { #expect(state.detail?.contains(fragment) == true, "\(c.name): \(String(describing: state.detail))") }
        if let labels = c.labels { #expect(state.menu?.options.map(\.label) == labels, "\(c.name)") }
        if let cursor = c.cursor { #expect(state.menu?.cursor == cursor, "\(c.name)") }
        if let current = c.current { #expect(state.menu?.current == current, "\(c.name)") }
        if let footer = c.footerContains { #expect(state.menu?.footer?.contains(footer) == true, "\(c.name)") }
        if let title = c.title { #expect(state.menu?.title == title, "\(c.name)") }
        if let question = c.question { #expect(state.menu?.question == question, "\(c.name)") }
        if let echoed = c.echoed { #expect(state.promptEchoed == echoed, "\(c.name)") }
        if c.kind == .picker { #expect(state.picker != nil) } else { #expect(state.picker == nil) }
    }

    @Test func pickerDescriptionsAreRead() throws {
        let c = try #require(ParserCases.pickers.first)
        let picker = try #require(profile.parse(c.pane).picker)
        #expect(picker.options[2].description == "Sonnet 4.5 · Best for everyday tasks")
        #expect(picker.options[3].isCurrent)
        let wrapped = try #require(profile.parse(ParserCases.pickers[2].pane).picker)
        #expect(wrapped.options[0].description == "Sonnet 4.6 · Best for everyday tasks, with a long description that wraps")
    }

    @Test func selectMovesFromCursorByArrows() throws {
        let picker = try #require(profile.parse(ParserCases.pickers[1].pane).picker)
        let sonnet = try #require(picker.index(ofLabel: "Sonnet"))
        #expect(profile.select(sonnet, in: picker) == [.key(.down), .key(.enter)])
        #expect(profile.select(0, in: picker) == [.key(.up), .key(.enter)])
        #expect(profile.selectForSession(sonnet, in: picker) == [.key(.down), .type("s")])
        let old = try #require(profile.parse(ParserCases.pickers[0].pane).picker)
        #expect(profile.selectForSession(0, in: old) == [.key(.up), .key(.up), .key(.up), .key(.enter)])
    }

    @Test func submissionPastesShortPromptsAsTheyAreAndMultiLine() {
        // Every question goes in as one bracketed paste (never typed as keys), then Enter.
        let short = profile.submission(for: "What is 2+2?")
        #expect(short.steps == [.paste("What is 2+2?"), .untilShown(.milliseconds(150)), .key(.enter)])
        #expect(short.form == .plain)
        let multi = profile.submission(for: "line one\nline two")
        #expect(multi.steps.first == .paste("line one\nline two"))
        #expect(multi.steps.last == .key(.enter))
    }

    @Test func modelSwitchResults() {
        typealias B = ScreenBuilder
        let set = B.screen(["❯ /model sonnet", "  ⎿  Set model to Sonnet 4.6"] + B.composer21())
        #expect(profile.modelSwitchResult(set) == .switched(label: "Sonnet 4.6"))
        let saved = B.screen(["❯ /model", "  ⎿  Set model to Sonnet 5 and saved as your default for new sessions"] + B.composer21())
        #expect(profile.modelSwitchResult(saved) == .switched(label: "Sonnet 5"))
        let def = B.screen(["❯ /model default", "  ⎿  Set model to Opus 4.6 (default)"] + B.composer21())
        #expect(profile.modelSwitchResult(def) == .switched(label: "Opus 4.6 (default)"))
        let kept = B.screen(["❯ /model", "  ⎿  Kept model as Haiku 4.5"] + B.composer21())
        #expect(profile.modelSwitchResult(kept) == .kept(label: "Haiku 4.5"))
        let bad = B.screen(["❯ /model gpt", "  ⎿  Model 'gpt' not found"] + B.composer21())
        #expect(profile.modelSwitchResult(bad) == .rejected(message: "Model 'gpt' not found"))
        #expect(profile.modelSwitchResult(B.screen(B.composer21())) == nil)
        #expect(profile.modelCommand("opus") == "/model opus")
        #expect(profile.modelCommand(nil) == "/model")
    }

    @Test func blockingStates() {
        #expect(ScreenState(kind: .permission).isBlocking)
        #expect(!ScreenState(kind: .limit).isBlocking)
        #expect(ScreenState(kind: .limit, menu: ScreenMenu()).isBlocking)
        #expect(!ScreenState(kind: .busy).isBlocking)
    }
}
