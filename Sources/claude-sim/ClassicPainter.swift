/// Output of the classic renderer (`CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN=1`), the way the real
/// CLI's static output works: entries of finished turns are printed once, below what came
/// before, and scroll on into the terminal's history (tmux's scrollback) when the screen is
/// full; the live part — the running turn's entries, the input box or a dialog, the footer — is
/// redrawn in place under them. `/clear` (and a resize) clears the screen and prints the
/// transcript again; what had already scrolled into the history stays there, as with the real CLI.
struct ClassicPainter {
    /// Entries already printed as static output.
    private var printed = 0
    /// Rows of the live part on the screen now (the cursor is on its last row).
    private var liveRows = 0
    private var lastLive: [String] = []
    private var generation = -1
    private var columns = 0

    /// The bytes that bring the terminal from the last frame to `session`'s; "" when nothing changed.
    mutating func update(_ session: Session, columns: Int, rows: Int) -> String {
        var out = ""
        let redraw = session.generation != generation || columns != self.columns
        if redraw {
            out += "\u{1b}[H\u{1b}[2J"
            printed = 0
            liveRows = 0
            generation = session.generation
            self.columns = columns
        }
        let screen = Screen(session: session, columns: columns, rows: rows)
        let settled = session.liveEntry ?? session.transcript.count
        var finished: [String] = []
        if printed < settled {
            finished = session.transcript[printed..<settled].flatMap { screen.entryRows($0, last: nil) }
        }
        let live = Array((screen.liveTranscriptRows(from: settled, last: rows) + screen.bottomRows()).suffix(rows))
            .map(screen.shown)
        if !redraw && finished.isEmpty && live == lastLive { return "" }
        if !redraw && liveRows > 0 {
            // Back to the first row of the live part.
            out += "\r" + (liveRows > 1 ? "\u{1b}[\(liveRows - 1)A" : "")
        }
        for row in finished.map(screen.shown) { out += row + "\u{1b}[K\r\n" }
        out += live.joined(separator: "\u{1b}[K\r\n") + "\u{1b}[K\u{1b}[J"
        printed = max(printed, settled)
        liveRows = live.count
        lastLive = live
        return out
    }
}
