/// Builds Claude Code screens for table tests, following the layouts in
/// `shared/docs/claude-code-tui.md` (rows as `tmux capture-pane -p` returns them).
enum ScreenBuilder {
    static let width = 80
    static let nbsp = "\u{00A0}"

    static func rule(_ width: Int = width, _ glyph: String = "─") -> String {
        String(repeating: glyph, count: width)
    }

    static func screen(_ rows: [String]) -> String { rows.joined(separator: "\n") + "\n" }

    /// The 2.1.x banner (condensed form).
    static func banner(version: String = "2.1.29", model: String = "Opus 4.6") -> [String] {
        [" ▐▛███▜▌   Claude Code v\(version)", "▝▜█████▛▘  \(model) · Claude Max", "  ▘▘ ▝▝    ~/src/app", ""]
    }

    /// 2.1.x composer: rule, `❯` + NBSP (+ text), rule, footer.
    static func composer21(_ text: String = "", footer: String = "  ? for shortcuts") -> [String] {
        ["", rule(), "❯" + nbsp + text, rule(), footer]
    }

    /// 2.0.x composer: a bare `❯` row.
    static func composer20(footer: String = "  ? for shortcuts") -> [String] {
        ["", rule(), "❯", rule(), footer]
    }

    /// 1.x boxed composer.
    static func composerBoxed(footer: String = "  ? for shortcuts") -> [String] {
        ["", "╭" + String(repeating: "─", count: width - 2) + "╮",
         "│ > " + String(repeating: " ", count: width - 5) + "│",
         "╰" + String(repeating: "─", count: width - 2) + "╯", footer]
    }

    /// Greedy word wrap at `width`, as Ink does (every visual row its own line).
    static func wrapRows(_ text: String, width: Int) -> [String] {
        var rows: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                rows.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    /// An assistant text block: bullet on the first row, 2-space gutter after, wrapped
    /// 4 columns short of the pane edge.
    static func assistant(_ paragraphs: [String], bullet: String = "●") -> [String] {
        var rows: [String] = []
        for paragraph in paragraphs {
            if !rows.isEmpty { rows.append("") }
            if paragraph.hasPrefix("    ") || paragraph.hasPrefix("func ") || paragraph == "}" {
                rows.append(paragraph)
            } else {
                rows += wrapRows(paragraph, width: width - 4)
            }
        }
        return rows.enumerated().map { index, row in
            row.isEmpty ? "" : (index == 0 ? bullet + " " : "  ") + row
        }
    }

    static let longParagraph = "The build fails because the linker cannot find libssh2 on this machine, so install the development package with apt-get and run the configure step again before you build the project with swift build."
    static let secondParagraph = "After that the tests should pass, although the integration suite still needs a running sshd on the loopback address and a user key that the server accepts for this account."
}
