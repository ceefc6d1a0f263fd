import Foundation
import Remote

/// The driver's use of the agent's own record: the turn's requests and usage from its transcript
/// (read on the agent's host over the connection's long-lived shell), and model prices from its
/// picker, kept per agent version.
extension AgentDriver {
    /// How long a turn's transcript may take to show the turn closed after its Stop hook (the
    /// CLI writes its transcript in batches, up to about 100 ms after the hook on 2.1.332).
    static let transcriptSettle = Duration.seconds(3)
    /// How often the transcript is looked at again while the turn is not closed in it yet.
    static let transcriptRecheck = Duration.milliseconds(10)
    /// The tmux user option recording the agent version the session's transcript names.
    static let versionOption = "@escalator-agent-version"
    /// The tmux user option recording where the last turn read ended in the session's
    /// transcript (`OFFSET PATH`), so the next turn is read from there, not from the file's
    /// start (2.1.332 appends 60–70 KB per turn: a long session's file reaches megabytes).
    static let transcriptEndOption = "@escalator-transcript-end"

    /// Fills in `answer`'s requests, usage and agent version from the agent's transcript, once
    /// the agent has written the turn there (the answer itself is returned as soon as the Stop
    /// hook reports it; the transcript follows up to about 100 ms later). Reads the model prices
    /// from the picker when the price book has none for the agent's version yet. Never throws:
    /// an answer whose usage could not be read keeps no requests, and its cost stays estimated.
    public func measureUsage(_ answer: AgentAnswer) async -> AgentAnswer {
        guard let pending = answer.pendingUsage else { return answer }
        var answer = answer
        answer.pendingUsage = nil
        let turns = await transcriptTurns(of: pending.prompts, pane: pending.pane)
        answer.requests = turns.flatMap(\.requests)
        answer.agentVersion = turns.compactMap(\.agentVersion).last
        if let version = answer.agentVersion, let priceBook, priceBook.entry(agent: profile.name, version: version) == nil {
            // The picker is opened once per agent version, under the pane's lock like a question.
            do {
                try await tmux.withPaneLock(pending.pane, timeout: policy.answerTimeout) {
                    await learnPrices(pending.pane, version: version)
                    try await restore(pending.pane)
                }
            } catch {
                logger.debug("could not read the model picker's prices", metadata: ["session": "\(spec.name)", "error": "\(error)"])
            }
        }
        return answer
    }

    /// The turns of `prompts` (UserPromptSubmit events) in the session's transcript, each once
    /// it is closed on disk, read from where the session's last read ended. Records the agent
    /// version and the new end in pane options.
    func transcriptTurns(of prompts: [HookEvent], pane: TmuxPane) async -> [TranscriptTurn] {
        var cursor = await transcriptEnd(pane)
        var turns: [TranscriptTurn] = []
        for prompt in prompts {
            guard let path = prompt.transcriptPath, !path.isEmpty else { continue }
            let from = cursor?.path == path ? cursor?.offset ?? 0 : 0
            var read = await transcriptTurn(of: prompt, path: path, from: from)
            if read == nil, from > 0 {
                // Not after the recorded end (the file was rewritten): read it whole once.
                read = await transcriptTurn(of: prompt, path: path, from: 0)
            }
            guard let read else { continue }
            turns.append(read.turn)
            cursor = (read.end, path)
        }
        if let cursor { try? await tmux.setUserOption(Self.transcriptEndOption, to: "\(cursor.offset) \(cursor.path)", of: pane) }
        if let version = turns.compactMap(\.agentVersion).last {
            try? await tmux.setUserOption(Self.versionOption, to: version, of: pane)
        }
        return turns
    }

    /// The turn of the prompt the agent accepted, read from byte `from` of the transcript at
    /// `path`, once the turn is closed on disk, with the offset just past the last whole line
    /// read (nil when there is no such file or turn, or it did not close in time: the answer
    /// then carries no measured usage).
    func transcriptTurn(of accepted: HookEvent, path: String, from: Int) async -> (turn: TranscriptTurn, end: Int)? {
        let started = ContinuousClock.now
        let deadline = started + Self.transcriptSettle
        var last: TranscriptTurn?
        // What was read so far, from `start`; a second look reads only what was appended.
        var bytes: [UInt8] = []
        var start = from
        var end = from
        var reads = 0
        while true {
            do {
                if let file = try await tmux.hostShell.read(path, from: end) {
                    reads += 1
                    if file.offset == end { bytes += file.bytes } else { bytes = file.bytes; start = file.offset }   // cut or replaced
                    end = file.offset + file.bytes.count
                    last = TranscriptTurn(jsonl: String(decoding: bytes, as: UTF8.self), promptID: accepted.promptID,
                                          prompt: accepted.prompt)
                    if let last, last.isComplete {
                        let whole = (bytes.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
                        logger.debug("turn read from the transcript", metadata: [
                            "session": "\(spec.name)", "reads": "\(reads)", "bytes": "\(bytes.count)",
                            "ms": "\(Self.ms(ContinuousClock.now - started))"])
                        return (last, start + whole)
                    }
                }
            } catch {
                logger.debug("could not read the agent's transcript", metadata: ["session": "\(spec.name)", "error": "\(error)"])
                return nil
            }
            guard ContinuousClock.now < deadline else { break }
            try? await Task.sleep(for: Self.transcriptRecheck)
        }
        logger.debug("the turn is not closed in the transcript yet; its usage is left unmeasured",
                     metadata: ["session": "\(spec.name)", "path": "\(path)", "from": "\(from)",
                                "requests_seen": "\(last?.requests.count ?? 0)"])
        return nil
    }

    /// Where the session's last transcript read ended (from its pane option).
    func transcriptEnd(_ pane: TmuxPane) async -> (offset: Int, path: String)? {
        guard let value = try? await tmux.userOption(Self.transcriptEndOption, of: pane),
              let space = value.firstIndex(of: " "), let offset = Int(value[..<space]) else { return nil }
        return (offset, String(value[value.index(after: space)...]))
    }

    /// Reads the model prices from the agent's picker when the price book has none for this
    /// agent version yet: opens the picker, records its priced rows, closes it. A failure is
    /// logged, never thrown: prices are then looked up in config or estimated.
    func learnPrices(_ pane: TmuxPane, version: String?) async {
        guard let priceBook, let version, priceBook.entry(agent: profile.name, version: version) == nil,
              let open = profile.modelCommand(nil) else { return }
        do {
            try await submit(profile.command(open), in: pane)
            let picker = try await waitIfAny("the model picker", in: pane, timeout: .seconds(15)) { [profile] capture in
                profile.parse(capture).picker.map { .done($0) } ?? .wait()
            }
            if let picker { try recordPrices(of: picker, version: version) }
            try await perform(profile.cancelSteps, in: pane)
            _ = try await waitIfAny("the model picker to close", in: pane, timeout: .seconds(10)) { [profile] capture in
                profile.parse(capture).picker == nil ? .done(()) : .wait()
            }
        } catch {
            logger.debug("could not read the model picker's prices", metadata: ["session": "\(spec.name)", "error": "\(error)"])
        }
    }

    /// Keeps the priced rows of an open picker for `version` (the session's, when known).
    func recordPrices(of picker: ScreenMenu, version: String?) throws {
        guard let priceBook, let version else { return }
        let rows = PickerPrice.rows(of: picker)
        try priceBook.record(rows, agent: profile.name, version: version)
        logger.debug("model prices read from the picker",
                     metadata: ["agent": "\(profile.name)", "version": "\(version)", "rows": "\(rows.count)"])
    }

    /// The agent version the session's transcript named last (kept in a pane option).
    func knownVersion(_ pane: TmuxPane) async -> String? {
        guard let value = try? await tmux.userOption(Self.versionOption, of: pane), !value.isEmpty else { return nil }
        return value
    }
}
