import Foundation
import Remote

/// The driver's use of the agent's own record: the turn's requests and usage from its transcript
/// (read on the agent's host over the connection's long-lived shell), and model prices from its
/// picker, kept per agent version.
extension AgentDriver {
    /// How long a turn's transcript may take to show the turn closed after its Stop hook (the
    /// hook can run before the CLI has written the final lines).
    static let transcriptSettle = Duration.seconds(3)
    /// The tmux user option recording the agent version the session's transcript names.
    static let versionOption = "@escalator-agent-version"

    /// The turn of the prompt the agent accepted, from the transcript file its hooks named, once
    /// the turn is closed on disk (nil when there is no such file or turn, or it did not close in
    /// time: the answer then carries no measured usage).
    func transcriptTurn(of accepted: HookEvent) async -> TranscriptTurn? {
        guard let path = accepted.transcriptPath, !path.isEmpty else { return nil }
        let deadline = ContinuousClock.now + Self.transcriptSettle
        var last: TranscriptTurn?
        // What was read so far, and where it ends: a second look reads only what was appended.
        var bytes: [UInt8] = []
        var end = 0
        while true {
            do {
                if let file = try await tmux.hostShell.read(path, from: end) {
                    if file.offset == end { bytes += file.bytes } else { bytes = file.bytes }   // replaced or cut to its tail
                    end = file.offset + file.bytes.count
                    last = TranscriptTurn(jsonl: String(decoding: bytes, as: UTF8.self), promptID: accepted.promptID,
                                          prompt: accepted.prompt)
                    if let last, last.isComplete { return last }
                }
            } catch {
                logger.debug("could not read the agent's transcript", metadata: ["session": "\(spec.name)", "error": "\(error)"])
                return nil
            }
            guard ContinuousClock.now < deadline else { break }
            // The CLI writes the turn's last lines right after the hook: look again shortly.
            try? await Task.sleep(for: .milliseconds(20))
        }
        logger.debug("the turn is not closed in the transcript yet; its usage is left unmeasured",
                     metadata: ["session": "\(spec.name)", "path": "\(path)", "requests_seen": "\(last?.requests.count ?? 0)"])
        return nil
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
