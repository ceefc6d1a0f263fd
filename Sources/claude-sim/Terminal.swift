#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set from the SIGWINCH handler, read by the main loop. A plain flag is enough: the loop
/// only needs "something changed", and a signal interrupts its `poll` anyway.
nonisolated(unsafe) var windowChanged: Int32 = 0

/// The controlling terminal: raw mode via termios, its size, and escape-sequence output.
final class Terminal {
    let input: Int32 = STDIN_FILENO
    let output: Int32 = STDOUT_FILENO
    private var saved = termios()
    private var isRaw = false
    let fullscreen: Bool

    init(fullscreen: Bool) {
        self.fullscreen = fullscreen
    }

    /// Raw mode (no echo, no line buffering, no signal keys, no CR/NL translation), bracketed
    /// paste on, cursor hidden, and the alternate screen in fullscreen mode.
    func enter() {
        // Start from an empty signal mask: a parent may have blocked SIGHUP/SIGTERM/SIGWINCH,
        // and a terminal program must still die on hangup and redraw on resize.
        var empty = sigset_t()
        sigemptyset(&empty)
        sigprocmask(SIG_SETMASK, &empty, nil)
        if tcgetattr(input, &saved) == 0 {
            var raw = saved
            raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
            raw.c_oflag &= ~tcflag_t(OPOST)
            raw.c_cflag |= tcflag_t(CS8)
            raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
            withUnsafeMutableBytes(of: &raw.c_cc) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
            if tcsetattr(input, TCSAFLUSH, &raw) == 0 { isRaw = true }
        }
        signal(SIGWINCH) { _ in windowChanged = 1 }
        write((fullscreen ? "\u{1b}[?1049h" : "") + "\u{1b}[?2004h\u{1b}[?25l\u{1b}[H\u{1b}[2J")
    }

    /// Undoes `enter()`; safe to call twice. With `crashed`, the alternate screen stays, as a
    /// program that dies leaves it (tmux then keeps showing it in the dead pane, so a message
    /// written after this is seen; on the main screen tmux 3.3 would not show it).
    func leave(crashed: Bool = false) {
        write("\u{1b}[?2004l\u{1b}[?25h" + (fullscreen ? (crashed ? "\u{1b}[\(size().rows);1H\r\n" : "\u{1b}[?1049l") : "\r\n"))
        if isRaw {
            var restore = saved
            tcsetattr(input, TCSAFLUSH, &restore)
            isRaw = false
        }
    }

    /// The window size from the tty, or 100×40 when there is none.
    func size() -> (columns: Int, rows: Int) {
        var ws = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 {
            return (Int(ws.ws_col), Int(ws.ws_row))
        }
        return (100, 40)
    }

    /// Writes all of `text`, retrying on short writes and EINTR.
    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buf in
                Glibc.write(output, buf.baseAddress! + offset, buf.count - offset)
            }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
        }
    }

    /// Waits up to `milliseconds` for input; returns the bytes read (empty on timeout or EINTR,
    /// nil at end of input).
    func read(timeout milliseconds: Int32) -> [UInt8]? {
        var fds = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
        let ready = poll(&fds, 1, milliseconds)
        if ready <= 0 { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
        if n < 0 { return errno == EINTR || errno == EAGAIN ? [] : nil }
        if n == 0 { return nil }
        return Array(buffer[0..<n])
    }
}
