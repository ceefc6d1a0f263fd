import Foundation
import Remote
import TestSupport
import Testing
@testable import Agents

/// Safe delivery on the real CLI: every question of ``AgentInputCorpus`` reaches the API stand-in
/// as text, byte for byte, or inside the CLI's own documented `<pasted_content>` wrapper; nothing
/// is run (no canary file appears, no slash command, shell line or file mention takes effect);
/// and what cannot be delivered as text is refused with nothing sent.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(RealClaudeCode.available)))
struct RealClaudeCodeDeliveryTests {
    /// What the stand-in must receive for `question` delivered in `form`, written out from the
    /// documented rules (README "Safe delivery"), not from the product's code: CR LF and CR as LF,
    /// tabs as four spaces, trailing line feeds dropped; `pasted` wraps the text in the CLI's
    /// `\n\n<pasted_content id="X">\n…\n</pasted_content id="X">\n` (escaping a closing tag inside
    /// as `<\/pasted_content` and an opening one as `<\pasted_content`), `guarded-paste` wraps
    /// three line feeds and the text the same way.
    static func arrives(_ received: String, as question: String, form: DeliveryForm) -> Bool {
        var text = question.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\t", with: "    ")
        while text.hasSuffix("\n") { text.removeLast() }
        switch form {
        case .plain:
            return received == text
        case .pasted, .guardedPaste:
            let inner = (form == .guardedPaste ? "\n\n\n" : "") + text.replacingOccurrences(of: "</pasted_content", with: "<\\/pasted_content")
                .replacingOccurrences(of: "<pasted_content", with: "<\\pasted_content")
            guard received.hasPrefix("\n\n<pasted_content id=\""), let close = received.range(of: "\">\n") else { return false }
            let id = received[received.index(received.startIndex, offsetBy: 22)..<close.lowerBound]
            return received == "\n\n<pasted_content id=\"\(id)\">\n\(inner)\n</pasted_content id=\"\(id)\">\n"
        }
    }

    /// Whether the question, once its line ends are normalised and trailing line feeds dropped,
    /// ends in a space (the composer would trim it).
    static func normalisedEndsInSpace(_ question: String) -> Bool {
        var text = question.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\t", with: "    ")
        while text.hasSuffix("\n") { text.removeLast() }
        return text.hasSuffix(" ")
    }

    /// Questions the composer would act on if typed as they are: they must never go in plain.
    static func actionable(_ question: String) -> Bool {
        guard let first = question.unicodeScalars.first else { return false }
        let word = question.trimmingCharacters(in: .whitespaces).lowercased()
        return !(first.properties.isAlphabetic || first.properties.numericType != nil) || question.contains("@")
            || normalisedEndsInSpace(question)
            || ["exit", "quit", ":q", ":q!", ":wq", ":wq!"].contains(word)
    }

    /// About 1–2 s per question on the real CLI: the 300+ questions take several minutes.
    @Test(.timeLimit(.minutes(20))) func theCorpusArrivesAsTextAndNothingRuns() async throws {
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "Received."))
        defer { real.stop() }
        let canaries = AgentInputCorpus.canaryDirectory(real.home.path)
        try FileManager.default.createDirectory(atPath: canaries, withIntermediateDirectories: true)
        let corpus = AgentInputCorpus.deliverable(canaries: real.home.path)
        // Without /clear per question (much faster); every 40 questions the conversation is cleared.
        let driver = real.driver("escalator-corpus", model: "sonnet",
                                 policy: AgentPolicy(clearBeforeQuestion: false, answerTimeout: .seconds(120), startTimeout: .seconds(45)))
        let clearing = real.driver("escalator-corpus", model: "sonnet",
                                   policy: AgentPolicy(clearBeforeQuestion: true, answerTimeout: .seconds(120), startTimeout: .seconds(45)))
        var exact = 0, wrapped = 0, failures: [String] = []
        for (index, question) in corpus.enumerated() {
            let before = try real.messages().count
            let answer = try await (index % 40 == 0 ? clearing : driver).ask(question)
            let new = try real.messages().dropFirst(before)
            let arrived = new.compactMap(\.lastUserText).filter { Self.arrives($0, as: question, form: answer.delivery) }
            if arrived.count != 1 || answer.text != "Received." {
                failures.append("#\(index) \(String(reflecting: String(question.prefix(60)))) [\(answer.delivery)]: arrived \(arrived.count)× of "
                                + "\(new.count) requests (\(new.map { String(reflecting: String(($0.lastUserText ?? "nil").prefix(80))) })), answer \(String(answer.text.prefix(40)))")
            }
            if Self.actionable(question) && answer.delivery == .plain { failures.append("#\(index) went in plain: \(question.prefix(40))") }
            if answer.delivery == .plain { exact += 1 } else { wrapped += 1 }
        }
        let ran = (try? FileManager.default.contentsOfDirectory(atPath: canaries)) ?? []
        print("delivery corpus on Claude Code 2.1.332: \(corpus.count) questions, \(exact) byte-exact, \(wrapped) inside <pasted_content>, "
              + "\(failures.count) failed, \(ran.count) executed")
        #expect(corpus.count >= 300)
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(30).joined(separator: "\n"))")
        #expect(ran.isEmpty, "commands ran on the agent's host: \(ran)")
        // No question switched the saved default model or left a dialog open.
        let json = try String(contentsOfFile: (real.home.path as NSString).appendingPathComponent(".claude/settings.json"), encoding: .utf8)
        #expect(!json.contains("opus"), "a question changed the saved default model: \(json)")
        #expect(try real.messages().suffix(5).allSatisfy { $0.model == "claude-sonnet-5-5" })
    }

    @Test(.timeLimit(.minutes(3))) func undeliverableQuestionsAreRefusedWithNothingSent() async throws {
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "Received."))
        defer { real.stop() }
        let driver = real.driver("escalator-refuse", model: nil)
        var refused = 0
        // Invalid UTF-8 cannot even become a String here (it would decode to U+FFFD, which is text):
        // the CLI refuses those bytes at its input (EscalatorCLITests), and QuestionText.decode below.
        let texts = AgentInputCorpus.undeliverable.filter { $0.kind != "invalidUTF8" }
        for (bytes, kind) in texts {
            do {
                _ = try await driver.ask(String(decoding: bytes, as: UTF8.self))
                Issue.record("delivered \(bytes) (\(kind))")
            } catch let error as AgentError where error.code == .undeliverable {
                refused += 1
            }
        }
        print("undeliverable corpus: \(AgentInputCorpus.undeliverable.count) questions, \(refused + AgentInputCorpus.undeliverable.count - texts.count) refused, 0 sent")
        #expect(refused == texts.count)
        let sent = try real.messages()
        #expect(sent.isEmpty, "something was sent: \(sent.map(\.lastUserText))")
        for (bytes, kind) in AgentInputCorpus.undeliverable {
            #expect(throws: QuestionText.Problem.self, "\(bytes) (\(kind))") { _ = try QuestionText.decode(bytes) }
        }
    }
}
