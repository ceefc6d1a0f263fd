/// Draws a `Session` as the rows Claude Code 2.1.332 shows for a window of `columns` × `rows`:
/// the transcript, then either the spinner, input box and footer, or a dialog in their place.
///
/// The fullscreen renderer (2.1.332's default) pins the bottom area to the last rows and shows
/// the transcript's tail above it, a blank row at its top; the classic renderer
/// (`CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN=1`) draws the transcript from the first row with the
/// bottom area right under it. The folder-trust dialog is drawn from the top in both.
struct Screen {
    let session: Session
    let columns: Int
    let rows: Int
    var now: ContinuousClock.Instant = .now

    private var classic: Bool { session.config.classic }
    private var bullet: String { session.config.platform.bullet }

    /// The whole screen, for the fullscreen renderer (the classic one is `ClassicPainter`).
    func frame() -> [String] {
        if case .trust(let cursor) = session.mode { return trustRows(cursor: cursor).prefix(rows).map(clip) }
        let bottom = bottomRows()
        let room = max(0, rows - bottom.count)
        let chunks = transcriptChunks(last: room)
        var body = Array(chunks.joined().suffix(room))
        if let cut = chunks.reversed().reduce(into: (rows: 0, last: nil as Int?), { state, chunk in
            // The entry the viewport's first row falls in: when only its last row is left in
            // view, the fullscreen renderer leaves that row blank.
            if state.rows < room && state.rows + chunk.count > room { state.last = room - state.rows == 1 ? 0 : nil }
            state.rows += chunk.count
        }).last {
            body[cut] = ""
        }
        let pad = Array(repeating: "", count: room - body.count)
        return (body + pad + bottom).suffix(rows).map(shown)
    }

    /// `row` as it goes to the terminal: control characters as pictures, clipped to the width.
    func shown(_ row: String) -> String { clip(Self.printable(row)) }

    /// `row` with every control character that a terminal would act on shown as a picture
    /// instead: C0 (except tab) as U+2400–U+241F (`␛` for ESC), DEL as `␡`, C1 as U+FFFD. So
    /// nothing a prompt holds (escape sequences, a terminal reset, a status query whose reply
    /// would come back as input) ever reaches the terminal as a command.
    static func printable(_ row: String) -> String {
        guard row.unicodeScalars.contains(where: isControl) else { return row }
        var out = String.UnicodeScalarView()
        for scalar in row.unicodeScalars {
            switch scalar.value {
            case 0x09: out.append(scalar)
            case 0x00..<0x20: out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: out.append("\u{2421}")
            case 0x80...0x9F: out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 && scalar.value != 0x09 || (0x7F...0x9F).contains(scalar.value)
    }

    /// The escape sequence that paints `frame` from the top-left corner.
    static func paint(_ frame: [String]) -> String {
        var out = "\u{1b}[H"
        for (i, row) in frame.enumerated() {
            out += row + "\u{1b}[K" + (i < frame.count - 1 ? "\r\n" : "")
        }
        return out + "\u{1b}[J"
    }

    private func clip(_ row: String) -> String {
        row.count > columns ? String(row.prefix(columns)) : row
    }

    /// Echoes longer than this many characters are shown collapsed, keeping `echoKept` at each end.
    static let echoLimit = 10_000
    static let echoKept = 2_500

    private var rule: String { String(repeating: "─", count: columns) }
    private var topRule: String { String(repeating: "▔", count: columns) }

    // MARK: Transcript

    /// The transcript's rows; with `last`, only enough of its end to fill that many rows (a
    /// long session or a 100 KB prompt is not re-wrapped on every frame).
    func transcriptRows(last limit: Int? = nil) -> [String] {
        Array(transcriptChunks(last: limit).joined())
    }

    /// The rows of the entries from `first` on (the running turn's), at most about `limit`.
    func liveTranscriptRows(from first: Int, last limit: Int) -> [String] {
        Array(transcriptChunks(from: first, last: limit).joined())
    }

    /// The transcript's rows by entry, in order.
    func transcriptChunks(from first: Int = 0, last limit: Int? = nil) -> [[String]] {
        var chunks: [[String]] = []
        var count = 0
        for entry in session.transcript[min(first, session.transcript.count)...].reversed() {
            if let limit, count >= limit { break }
            let rows = entryRows(entry, last: limit.map { $0 - count })
            chunks.append(rows)
            count += rows.count
        }
        return chunks.reversed()
    }

    func entryRows(_ entry: Entry, last limit: Int?) -> [String] {
        var out: [String] = []
        switch entry {
        case .banner(let model):
            out += (classic ? [] : [""]) + Chrome.banner(model: model, cwd: session.config.cwd) + [""]
        case .echo(let text):
            out.append("")
            // Line breaks around the prompt are not shown (a guarded paste begins with three).
            let text = String(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                .drop { $0 == "\n" }.reversed().drop { $0 == "\n" }.reversed())
            if text.count > Self.echoLimit {
                // A long prompt's echo: its first and last 2,500 characters around a rule that
                // counts the lines left out.
                let head = String(text.prefix(Self.echoKept)), tail = String(text.suffix(Self.echoKept))
                let hidden = text.dropFirst(Self.echoKept).dropLast(Self.echoKept).filter { $0 == "\n" }.count
                let label = "  ──── (\(hidden) lines hidden) "
                out += gutter(head, first: "❯ ", width: columns)
                out.append(label + String(repeating: "─", count: max(0, columns - 1 - label.count)))
                out += gutter(tail, first: "  ", width: columns, last: limit)
            } else {
                out += gutter(text, first: "❯ ", width: columns, last: limit)
            }
        case .assistant(let blocks):
            out.append("")
            for (i, row) in Answers.rows(blocks, width: columns - 2).enumerated() {
                out.append(row.isEmpty ? "" : (i == 0 ? bullet + " " : "  ") + row)
            }
        case .tool(let command, let state):
            out.append("")
            switch state {
            case .running: out += ["\(bullet) Running \(command)"] + gutter("$ " + command, first: "  ⎿  ", width: columns - 2)
            case .ran: out.append("  Ran 1 shell command")
            case .denied: out += ["  Did not run 1 call"] + gutter("$ " + command, first: "  ⎿ \u{00A0}", width: columns - 2)
            }
        case .result(let lines):
            for (i, line) in lines.enumerated() {
                out += gutter(line, first: i == 0 ? "  ⎿ \u{00A0}" : "     ", width: columns - 2)
            }
        case .completion(let text):
            out.append("")
            out.append("✻ \(text)")
        case .errorText(let text):
            out.append("")
            out += gutter(text, first: bullet + " ", width: columns - 8)
        }
        return out
    }

    // MARK: Bottom area

    func bottomRows() -> [String] {
        switch session.mode {
        case .trust(let cursor): return trustRows(cursor: cursor)
        case .picker(let cursor): return ["", topRule] + pickerRows(cursor: cursor)
        case .permission(let turn, let cursor): return ["", rule] + permissionRows(turn: turn, cursor: cursor)
        case .busy(let turn): return [""] + spinnerRows(turn) + composerRows(busy: true)
        case .limitMenu(_, let cursor):
            return ["", rule, " Session limit reached", " What do you want to do?", ""]
                + optionRows(Chrome.limitMenuOptions, cursor: cursor, indent: " ") + ["", " Enter to confirm · Esc to cancel"]
        case .switchConfirm(let target, let cursor, _): return ["", topRule] + switchRows(target, cursor: cursor)
        case .composer: return composerRows(busy: false)
        }
    }

    /// The spinner row (`✻ Wibbling…`, later `✻ Wibbling… (31s · ↓ 155 tokens)`), or the API
    /// retry row (`✻ 429 Rate limited · retrying in 2s · attempt 3/10`) with its detail row.
    private func spinnerRows(_ turn: Turn) -> [String] {
        if let retry = session.retry(turn, now: now) {
            let kind = session.config.apiError
            return ["✻ " + kind.retryRow(attempt: retry.attempt, seconds: retry.seconds)]
                + (kind.retryDetail.map { ["  ⎿ \u{00A0}" + $0] } ?? [])
        }
        let elapsed = now - turn.started
        let frames = session.config.platform.spinnerFrames
        let tick = Int(elapsed.components.seconds * 8) + Int(elapsed.components.attoseconds / 125_000_000_000_000_000)
        var row = "\(frames[tick % frames.count]) \(turn.verb)…"
        if elapsed >= .milliseconds(session.config.timerAfterMilliseconds) {
            let seconds = Int(elapsed.components.seconds)
            row += " (\(Session.duration(seconds)) · ↓ \(seconds * 5) tokens)"
        }
        return [row]
    }

    /// The input box between two rules and the footer; in the fullscreen renderer the effort
    /// indicator sits on its own row above, in the classic one at the footer's right.
    private func composerRows(busy: Bool) -> [String] {
        let prompt = "❯" + Chrome.composerSpace
        var input: [String]
        if session.buffer.isEmpty {
            input = [prompt + (session.composerHint ?? "")]
        } else if session.bufferIsLargePaste {
            input = [prompt + "[Pasted text #\(session.pasteCount) +\(Self.lineBreaks(session.buffer)) lines]"]
        } else {
            let text = String(decoding: session.buffer, as: UTF8.self)
            let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            input = gutter(normalized, first: prompt, width: columns)
        }
        let footer = session.ctrlCPending ? Chrome.ctrlCFooter
            : session.bufferIsLargePaste ? Chrome.pasteFooter
            : Chrome.footer(mode: session.permissionMode, busy: busy)
        let indicator = Chrome.effortIndicator
        if classic {
            // The indicator at the footer's right, and a row under it for notices (tmux's focus-events one).
            let room = columns - 2 - indicator.count
            return ["", rule] + input + [rule, footer.count < room ? pad(footer, room) + indicator : footer, ""]
        }
        return [String(repeating: " ", count: max(0, columns - 2 - indicator.count)) + indicator, rule] + input + [rule, footer]
    }

    /// Line breaks in `bytes` (CRLF, a lone CR or LF each count once): the `+N lines` of a
    /// pasted-text placeholder.
    static func lineBreaks(_ bytes: [UInt8]) -> Int {
        var count = 0
        for (i, byte) in bytes.enumerated() where byte == 0x0A || byte == 0x0D {
            if byte == 0x0A && i > 0 && bytes[i - 1] == 0x0D { continue }
            count += 1
        }
        return count
    }

    private func optionRows(_ labels: [String], cursor: Int, indent: String) -> [String] {
        labels.enumerated().map { i, label in
            indent + (i == cursor ? "❯ " : "  ") + "\(i + 1). " + label
        }
    }

    /// The 2.1.3xx folder-trust dialog: options without numbers, the cursor on "No, exit".
    private func trustRows(cursor: Int) -> [String] {
        var out = ["", rule, " " + Chrome.trustTitle, "", " " + session.config.cwd, ""]
        out += wrap(Chrome.trustText, width: columns - 2).map { " " + $0 }
        out += ["", " " + Chrome.trustAbility, "", " " + Chrome.trustGuide, ""]
        out += Chrome.trustOptions.enumerated().map { i, option in (i == cursor ? " ❯ " : "   ") + option.label }
        return out + ["", " " + Chrome.trustFooter]
    }

    /// The Bash permission prompt (manual mode): the command in a dashed frame, four options.
    private func permissionRows(turn: Turn, cursor: Int) -> [String] {
        let dashed = String(repeating: "╌", count: columns)
        var out = [" " + Chrome.permissionTitle]
        out += wrap(Chrome.permissionTip, width: columns - 2).map { " " + $0 }
        out += [" Run \(turn.command)", dashed, " \(turn.command)", dashed, " " + Chrome.permissionQuestion]
        out += optionRows(Chrome.permissionOptions(cwd: session.config.cwd), cursor: cursor, indent: " ")
        return out + ["", " " + Chrome.permissionFooter]
    }

    /// The model picker: five models with their prices, `✔` on the current one, descriptions
    /// wrapped under their own column.
    private func pickerRows(cursor: Int) -> [String] {
        var out = ["  " + Chrome.pickerTitle]
        out += wrap(Chrome.pickerSubtitle, width: columns - 4).map { "  " + $0 }
        out.append("")
        let labels = SimModel.all.map { $0.pickerLabel + ($0 == session.model ? " ✔" : "") }
        let labelWidth = labels.map(\.count).max()!
        let descriptionColumn = 7 + labelWidth + 2
        for (i, option) in SimModel.all.enumerated() {
            let lead = "  " + (i == cursor ? "❯ " : "  ") + "\(i + 1). " + pad(labels[i], labelWidth) + "  "
            let description = wrap(option.description, width: columns - descriptionColumn - 2)
            out.append(lead + description[0])
            out += description.dropFirst().map { String(repeating: " ", count: descriptionColumn) + $0 }
        }
        out += ["", "  " + Chrome.pickerEffort, "", "  " + Chrome.pickerFooter]
        return out
    }

    /// `Switch model?`, asked before a switch in a conversation with history.
    private func switchRows(_ target: SimModel, cursor: Int) -> [String] {
        var out = ["  " + Chrome.switchTitle, "  " + Chrome.switchWarning, ""]
        out += wrap(Chrome.switchText(target.displayName), width: columns - 4).map { "  " + $0 }
        out.append("")
        out += optionRows(Chrome.switchOptions(target.displayName), cursor: cursor, indent: "  ")
        return out + ["", "  " + Chrome.switchFooter]
    }
}
