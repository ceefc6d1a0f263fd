import Agents
import Foundation
import Remote
import Testing
import TestSupport

/// The hostile corpus, end to end: every string goes over a real SSH connection (libssh2 to a
/// loopback sshd) into a real tmux server, is pasted into a running claude-sim the way the driver
/// submits a prompt, and must come out of claude-sim's `--record` file byte for byte, in order,
/// with nothing missing, nothing extra, and nothing executed.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(SSHDFixture.sshdPath != nil && TmuxFixture.tmuxExecutable != nil)))
struct ClaudeSimHostileInputTests {
    /// What one item should leave in the record, by the documented rules (not by looking at the
    /// output):
    /// - `Tmux.paste(bytes:into:)` removes `ESC[200~` / `ESC[201~` from the text
    ///   (`TmuxText.removingPasteMarkers`) and pastes nothing when nothing is left;
    /// - claude-sim keeps pasted bytes exactly (NUL, ESC, CR, CRLF, invalid UTF-8 included) and
    ///   Enter submits them, except that an empty or blank composer (only the whitespace
    ///   JavaScript's `trim` removes) is not submitted and keeps its text (claude-sim's `Recorder`).
    enum Outcome: Equatable {
        /// Nothing reaches claude-sim; Enter on the empty composer does nothing.
        case nothingPasted
        /// Pasted but blank: Enter does not submit, so the test clears the composer with Esc.
        case blank
        /// Recorded as one prompt with exactly these bytes.
        case prompt([UInt8])
    }

    static func outcome(of item: [UInt8]) -> Outcome {
        let pasted = TmuxText.removingPasteMarkers(item)
        if pasted.isEmpty { return .nothingPasted }
        return isBlank(pasted) ? .blank : .prompt(pasted)
    }

    /// JavaScript's `String.prototype.trim` whitespace: WhiteSpace (TAB, VT, FF, SP, NBSP, ZWNBSP,
    /// any Zs) and LineTerminator (LF, CR, LS, PS). Invalid UTF-8 decodes to U+FFFD (not blank).
    static func isBlank(_ bytes: [UInt8]) -> Bool {
        let whitespace: Set<UInt32> = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0xFEFF, 0x2028, 0x2029]
        return String(decoding: bytes, as: UTF8.self).unicodeScalars.allSatisfy {
            whitespace.contains($0.value) || $0.properties.generalCategory == .spaceSeparator
        }
    }

    /// Strings that would create a file in `directory` if any shell or tmux ever ran them.
    static func canaries(in directory: String) -> [(item: String, file: String)] {
        let forms: [(String, (String) -> String)] = [
            ("dollar", { "$(touch \($0))" }),
            ("backtick", { "`touch \($0)`" }),
            ("semicolon", { "; touch \($0)" }),
            ("and", { "true && touch \($0)" }),
            ("pipe", { "| touch \($0)" }),
            ("single-quote", { "'; touch \($0); echo '" }),
            ("double-quote", { "\"; touch \($0); echo \"" }),
            ("newline", { "\ntouch \($0)\n" }),
            ("paste-end", { "\u{1B}[201~\rtouch \($0)\r" }),
            ("ctrl-c", { "\u{03}\rtouch \($0)\r" }),
            ("tmux-format", { "#(touch \($0))" }),
            ("tmux-command", { "run-shell 'touch \($0)'" }),
            ("tmux-separator", { "\\; run-shell 'touch \($0)'" }),
        ]
        return forms.map { name, form in
            let file = (directory as NSString).appendingPathComponent("CANARY-\(name)")
            return (form(file), file)
        }
    }

    /// The prompts in a record file, in order; fails the test on any other kind of line or a
    /// prompt index out of sequence.
    static func prompts(in record: String) throws -> [[UInt8]] {
        let data = FileManager.default.contents(atPath: record) ?? Data()
        var prompts: [[UInt8]] = []
        for line in data.split(separator: 0x0A) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            #expect(object["kind"] as? String == "prompt", "unexpected record \(object)")
            guard object["kind"] as? String == "prompt" else { continue }
            #expect(object["index"] as? Int == prompts.count + 1)
            let base64 = try #require(object["base64"] as? String)
            prompts.append(Array(try #require(Data(base64Encoded: base64))))
        }
        return prompts
    }

    /// Counts the record's lines without decoding them (for the waits).
    static func lineCount(_ record: String) -> Int {
        (FileManager.default.contents(atPath: record) ?? Data()).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    /// The bytes of the record's last line if it is a prompt.
    static func lastLine(_ record: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: record),
              let line = data.split(separator: 0x0A).last,
              let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
              let base64 = object["base64"] as? String, let bytes = Data(base64Encoded: base64) else { return nil }
        return Array(bytes)
    }

    static func show(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(60), as: UTF8.self).unicodeScalars
            .map { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F ? String($0) : "\\u{\(String($0.value, radix: 16))}" }
            .joined()
        return "\(bytes.count) bytes \"\(text)\(bytes.count > 60 ? "…" : "")\""
    }

    @Test func hostileCorpusArrivesInClaudeSimsRecordByteExactOverSSH() async throws {
        let sshd = try await SSHDFixture()
        defer { sshd.stop() }
        let tmuxFixture = try TmuxFixture()
        defer { tmuxFixture.stop() }
        let canaryDirectory = try TemporaryDirectory(prefix: "escalator-canary")
        defer { canaryDirectory.remove() }
        let record = tmuxFixture.directory.file("record.jsonl")
        let ssh = try SSHConnection(configuration: SSHConfiguration(
            host: "127.0.0.1", port: sshd.port, user: sshd.user, identityFiles: [sshd.userKeyPath],
            sshConfigPath: "", userKnownHostsFile: "", projectKnownHostsFile: sshd.knownHostsPath))
        let tmux = Tmux(transport: ssh, socket: .path(tmuxFixture.socketPath), executable: tmuxFixture.tmuxPath,
                        configFile: "/dev/null")

        let canaries = Self.canaries(in: canaryDirectory.path)
        let sentinel = Array("end of the hostile corpus".utf8)
        let items = HostileCorpus.items + canaries.map { Array($0.item.utf8) } + [sentinel]
        #expect(HostileCorpus.items.count >= 200)
        let outcomes = items.map(Self.outcome)
        // The rules must exercise every branch, or the test proves less than it claims.
        #expect(outcomes.contains(.nothingPasted) && outcomes.contains(.blank))
        let expected = outcomes.compactMap { outcome -> [UInt8]? in
            if case .prompt(let bytes) = outcome { bytes } else { nil }
        }

        let pane = try await tmux.newSession(
            "hostile", command: [BuiltProducts.executable("claude-sim"), "--think-ms", "0", "--record", record,
                                 "--cwd", canaryDirectory.path],
            width: 100, height: 40)
        try tmuxFixture.recordServerPID()
        _ = try await tmux.checked(["set-option", "-t", "hostile", "remain-on-exit", "on"])
        // Idle on screen means claude-sim has switched bracketed paste on (it does so before drawing).
        let profile = ClaudeCodeProfile()
        try await waitUntil("claude-sim's composer", timeout: 30) {
            profile.parse(try await tmux.capture(pane)).kind == .idle
        }

        // Submitted as AgentDriver does (a bracketed paste, then Enter as its own tmux command),
        // without its pause: the pause protects typed text, and a paste cannot be mistaken for Enter.
        // The record is waited on in batches, so a lost Enter fails near the item that lost it.
        var submitted = 0
        for (index, item) in items.enumerated() {
            try await tmux.paste(bytes: item, into: pane)
            try await tmux.press(.enter, in: pane)
            switch outcomes[index] {
            case .nothingPasted: break
            case .blank: try await tmux.press(.escape, in: pane)
            case .prompt: submitted += 1
            }
            if submitted % 50 == 0 && index < items.count - 1 {
                let want = submitted
                try await waitUntil("\(want) prompts in claude-sim's record (item \(index))", timeout: 30) {
                    Self.lineCount(record) >= want
                }
            }
        }
        // Everything before the sentinel has been handled once the sentinel is the last record.
        try await waitUntil("the sentinel in claude-sim's record", timeout: 30) {
            Self.lastLine(record) == sentinel || Self.lineCount(record) > expected.count
        }

        let recorded = try Self.prompts(in: record)
        #expect(recorded.count == expected.count, "recorded \(recorded.count) prompts, expected \(expected.count)")
        #expect(recorded.last == sentinel)
        let differing = zip(recorded, expected).enumerated().filter { $0.element.0 != $0.element.1 }
        for (index, (got, want)) in differing.prefix(10) {
            Issue.record("prompt \(index + 1): got \(Self.show(got)), expected \(Self.show(want))")
        }
        #expect(differing.isEmpty, "\(differing.count) prompts differ")

        // claude-sim is still running, and nothing was executed anywhere.
        let dead = try await tmux.checked(["display-message", "-p", "-t", pane.target, "#{pane_dead}"]).stdoutText
        #expect(dead.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        for canary in canaries {
            #expect(!FileManager.default.fileExists(atPath: canary.file), "\(canary.file) was created")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: canaryDirectory.path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/escalator-pwned"))
        await tmux.closeControlClients()
        await ssh.close()
    }
}
