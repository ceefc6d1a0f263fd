import Foundation

/// At least 200 strings that must reach a pane byte for byte and never be executed or read as keys
/// (tmux key names, shell and tmux syntax, ANSI/OSC/DCS sequences, bracketed-paste markers, line
/// endings, every C0 byte, Unicode, mixes, one 100 KB text, and a few invalid UTF-8 byte strings).
public enum HostileCorpus {
    public static let items: [[UInt8]] = {
        var strings: [String] = [
            // tmux key names and send-keys flags
            "Enter", "C-c", "C-d", "C-m", "C-j", "Escape", "Up", "Down", "Left", "Right", "Space", "BSpace", "Tab",
            "M-Enter", "F1", "PPage", "NPage", "Home", "End", "C-[", "^C", "-", "--", "-l", "-t", "-N", "-H 0a",
            // shell and tmux command syntax
            ";", "; rm -rf /tmp/escalator-should-not-exist", "\\;", "$(touch /tmp/escalator-pwned)", "`id`", "'", "\"",
            "\\", "$HOME", "${IFS}", "&&", "||", "|", ">", "<", ">>", "2>&1", "*", "?", "[a-z]", "~", "#", "!", "!!",
            "%", "%%", "#{pane_id}", "#(id)", "#[fg=red]", "{", "}", "'\"'\"'", "\"$(id)\"", "a'b\"c`d$e\\f",
            "source-file /etc/passwd", "run-shell id", "kill-server", "send-keys C-c",
            // ANSI, OSC, DCS, bracketed paste markers
            "\u{1B}[31mred\u{1B}[0m", "\u{1B}]0;title\u{07}", "\u{1B}]52;c;aGVsbG8=\u{07}", "\u{1B}]8;;http://x\u{1B}\\link\u{1B}]8;;\u{1B}\\",
            "\u{1B}P+q544e\u{1B}\\", "\u{1B}[6n", "\u{1B}[?1049h", "\u{1B}c", "\u{1B}[2J\u{1B}[H", "\u{1B}7\u{1B}8",
            "\u{1B}[201~", "before\u{1B}[201~after", "\u{1B}[200~inner\u{1B}[201~", "\u{1B}[20\u{1B}[201~1~", "\u{1B}[200~",
            "\u{1B}[201", "\u{1B}[201~\r\n", "\u{1B}", "\u{1B}\u{1B}", "\u{1B}[", "\u{1B}[A", "\u{1B}OA",
            // line endings
            "a\r\nb", "\r", "\n", "\r\n", "\n\n", "line1\nline2\nline3", "trailing\n", "\nleading", "cr\rcr", "mixed\r\n\n\r",
            // Unicode
            "👍", "👨‍👩‍👧‍👦", "e\u{301}", "🇺🇸🇯🇵", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "שלום עולם", "\u{202E}reversed", "\u{FEFF}bom",
            "\u{200B}zero\u{200D}width", "日本語テキスト", "ﷺ", "\u{0000}nul", "tab\there", "  spaces  ", "",
        ]
        // every C0 control byte and DEL on its own, and embedded in text
        for byte in 0...31 { strings.append(String(UnicodeScalar(UInt8(byte)))) }
        strings.append("\u{7F}")
        for byte in [3, 4, 8, 9, 13, 21, 26, 27, 28] { strings.append("x" + String(UnicodeScalar(UInt8(byte))) + "y") }
        // deterministic mixes of the nastiest pieces
        let pieces = ["Enter", ";", "$(", ")", "`", "'", "\"", "\u{1B}[", "201~", "\r", "\n", "\u{03}", "é", "🙂", "#{", "}", "\\", " "]
        var state: UInt64 = 0x9E3779B97F4A7C15
        for _ in 0..<60 {
            var text = ""
            for _ in 0..<(1 + Int(state % 12)) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += pieces[Int((state >> 33) % UInt64(pieces.count))]
            }
            strings.append(text)
        }
        // one 100 KB text with newlines, quotes and escapes throughout
        var big = ""
        var line = 0
        while big.utf8.count < 100 * 1024 {
            big += "line \(line): 'quoted' \"double\" $(not run) `nor this` \u{1B}[1mbold\u{1B}[0m ünïcødé 🎉\n"
            line += 1
        }
        strings.append(big)
        var bytes = strings.map { Array($0.utf8) }
        // invalid UTF-8 bytes
        bytes += [[0xFF], [0xC3], [0xE2, 0x82], [0x80, 0x80, 0x41], [0xF0, 0x9F, 0x98]]
        return bytes
    }()
}
