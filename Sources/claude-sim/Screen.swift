/// Draws a `Session` as the rows Claude Code would show for a window of `columns` × `rows`:
/// transcript, then either the spinner + composer + footer, or a modal in their place.
struct Screen {
    let session: Session
    let columns: Int
    let rows: Int
    var now: ContinuousClock.Instant = .now

    private var look: Look { session.config.look }
    private var bullet: String { session.config.platform.bullet }

    func frame() -> [String] {
        let bottom = bottomRows()
        let room = max(0, rows - bottom.count)
        let body = transcriptRows(last: room)
        let visible = body.count > room ? Array(body.suffix(room)) : body
        return (visible + bottom).suffix(rows).map { clip(Self.printable($0)) }
    }

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

    private var rule: String { String(repeating: "─", count: columns) }

    // MARK: Transcript

    /// The transcript's rows; with `last`, only enough of its end to fill that many rows (a
    /// long session or a 100 KB prompt is not re-wrapped on every frame).
    func transcriptRows(last limit: Int? = nil) -> [String] {
        var chunks: [[String]] = []
        var count = 0
        for entry in session.transcript.reversed() {
            if let limit, count >= limit { break }
            let rows = entryRows(entry, last: limit.map { $0 - count })
            chunks.append(rows)
            count += rows.count
        }
        return Array(chunks.reversed().joined())
    }

    private func entryRows(_ entry: Entry, last limit: Int?) -> [String] {
        var out: [String] = []
        switch entry {
        case .banner(let model):
            out += [" ▐▛███▜▌   Claude Code v\(look.version)",
                    "▝▜█████▛▘  \(model) · Claude Max",
                    "  ▘▘ ▝▝    \(session.config.cwd)"]
        case .echo(let text):
            out.append("")
            out += gutter(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n"),
                          first: "❯ ", width: columns - 2, last: limit)
        case .assistant(let blocks):
            out.append("")
            for (i, row) in Answers.rows(blocks, width: columns - 4).enumerated() {
                out.append(row.isEmpty ? "" : (i == 0 ? bullet + " " : "  ") + row)
            }
        case .tool(let call):
            out.append("")
            out.append("\(bullet) \(call)")
        case .result(let lines):
            for (i, line) in lines.enumerated() {
                out += gutter(line, first: i == 0 ? "  ⎿  " : "     ", width: columns - 2)
            }
        case .completion(let text):
            out.append("")
            out.append("✻ \(text)")
        case .errorText(let text):
            out.append("")
            out += gutter(text, first: bullet + " ", width: columns - 2)
        }
        return out
    }

    // MARK: Bottom area

    func bottomRows() -> [String] {
        switch session.mode {
        case .trust(let cursor): return trustRows(cursor: cursor)
        case .picker(let cursor): return pickerRows(cursor: cursor)
        case .permission(let turn, let cursor):
            let spinner = look == .v2_1_220 ? ["", spinnerRow(turn)] : []
            return spinner + permissionRows(turn: turn, cursor: cursor)
        case .busy(let turn): return ["", spinnerRow(turn)] + composerRows(busy: true)
        case .limitMenu(_, let cursor):
            return ["", rule, " Session limit reached", " What do you want to do?", ""]
                + optionRows(Session.limitMenuOptions, cursor: cursor, indent: " ") + ["", " Enter to confirm · Esc to cancel"]
        case .switchConfirm(let target, let cursor):
            return ["", rule, " Switch model?", ""] + optionRows(session.switchOptions(target), cursor: cursor, indent: " ")
        case .composer: return composerRows(busy: false)
        }
    }

    private func spinnerRow(_ turn: Turn) -> String {
        let elapsed = now - turn.started
        let frames = session.config.platform.spinnerFrames
        let tick = Int(elapsed.components.seconds * 8) + Int(elapsed.components.attoseconds / 125_000_000_000_000_000)
        let glyph = frames[tick % frames.count]
        let showTimer = elapsed >= .milliseconds(session.config.timerAfterMilliseconds)
        let seconds = Int(elapsed.components.seconds)
        let tokens = "↓ \(String(format: "%.1f", Double(seconds) * 0.07))k tokens"
        var row = "\(glyph) \(turn.verb)…"
        switch look {
        case .v2_0:
            row += showTimer ? " (\(Session.duration(seconds)) · \(tokens) · esc to interrupt)" : " (esc to interrupt)"
        case .v2_1, .v2_1_220:
            if showTimer { row += " (\(Session.duration(seconds)) · \(tokens) · thinking)" }
        }
        return row
    }

    private func composerRows(busy: Bool) -> [String] {
        var input: [String]
        if session.buffer.isEmpty {
            input = [look == .v2_0 ? "❯" : "❯" + look.composerSpace + look.placeholder]
        } else if session.bufferIsLargePaste {
            input = ["❯" + look.composerSpace + "[Pasted text #\(session.pasteCount) +\(Self.lineCount(session.buffer)) lines]"]
        } else {
            let text = String(decoding: session.buffer, as: UTF8.self)
            let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            input = gutter(normalized, first: "❯" + look.composerSpace, width: columns - 2)
        }
        return ["", rule] + input + [rule, look.footer(busy: busy, ctrlCPending: session.ctrlCPending)]
    }

    /// Lines in `bytes`: one more than its line breaks (CRLF, a lone CR or LF each count once).
    static func lineCount(_ bytes: [UInt8]) -> Int {
        var count = 1
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

    private func trustRows(cursor: Int) -> [String] {
        let cwd = session.config.cwd
        var out = ["", rule]
        if look == .v2_0 {
            out += [" Do you trust the files in this folder?", "", " \(cwd)", ""]
            out += wrap("Claude Code may read, write, or execute files contained in this directory. This can pose security risks, so only use files from trusted sources.", width: columns - 2).map { " " + $0 }
            out += ["", " Learn more", ""]
        } else {
            out += [" Accessing workspace:", "", " \(cwd)", ""]
            out += wrap("Quick safety check: Is this a project you created or one you trust? (Like your own code, a well-known open source project, or work from your team). If not, take a moment to review what's in this folder first.", width: columns - 2).map { " " + $0 }
            out += ["", " Claude Code'll be able to read, edit, and execute files here.", "", " Security guide", ""]
        }
        out += optionRows(look.trustOptions.map(\.label), cursor: cursor, indent: " ")
        return out + ["", " " + look.trustFooter]
    }

    private func permissionRows(turn: Turn, cursor: Int) -> [String] {
        var out = ["", rule, " Bash command", "",
                   "   echo sim-\(turn.question)",
                   "   Print a marker for question \(turn.question)", ""]
        if look == .v2_1_220 {
            out += [" Permission rule Bash requires confirmation for this command.", ""]
        }
        out.append(" Do you want to proceed?")
        out += optionRows(look.permissionOptions(command: "echo", cwd: session.config.cwd), cursor: cursor, indent: " ")
        return out + ["", " " + look.permissionFooter]
    }

    private func pickerRows(cursor: Int) -> [String] {
        let indent = look.pickerIndent
        var out = ["", String(repeating: look.pickerRule, count: columns), indent + "Select model"]
        out += wrap(look.pickerSubtitle, width: columns - indent.count - 1).map { indent + $0 }
        out.append("")
        let labelWidth = SimModel.all.map(\.pickerLabel.count).max()! + 2
        for (i, option) in SimModel.all.enumerated() {
            let label = option.pickerLabel + (option == session.model ? " ✔" : "")
            out.append(indent + (i == cursor ? "❯ " : "  ") + "\(i + 1). " + pad(label, labelWidth) + "  " + option.description)
        }
        out.append("")
        if look == .v2_1_220 {
            out += [indent + "◐ Medium effort (default) ←/→ to adjust", ""]
        }
        return out + [indent + look.pickerFooter]
    }
}
