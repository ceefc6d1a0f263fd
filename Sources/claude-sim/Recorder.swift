import Foundation

/// Appends one JSON line per event to the `--record` file.
///
/// Prompts: `{"kind":"prompt","index":N,"base64":"…"}` where the base64 holds exactly the
/// bytes that were submitted (typed before Enter and/or pasted between the markers), untrimmed.
/// The rules for what a prompt's bytes are:
/// - Pasted bytes are kept exactly as they arrived between `ESC[200~` and `ESC[201~`: NUL, ESC
///   and every other control byte, a lone CR, CRLF and LF, and invalid UTF-8 included; nothing
///   is normalized, trimmed or read as a key. (The markers themselves never are content: a
///   sender such as `Tmux.paste` removes them from the text first.)
/// - Typed bytes (outside a paste) are text only from 0x20 up, except DEL: CR or LF is Enter,
///   DEL/BS is backspace, ESC starts a key sequence, Ctrl-C, Ctrl-U (delete to the start of the
///   line) and Tab are keys, and the other control bytes (NUL among them) are ignored.
/// - Enter submits only a composer that is not blank (`Session.isBlank`: empty, or only the
///   whitespace JavaScript's `trim` removes). A blank composer is not submitted, records
///   nothing and keeps its text; Esc clears it. Enter during a busy turn does not submit either.
/// - The screen shows control characters as pictures (`Screen.printable`); that never changes
///   the recorded bytes.
///
/// Permission decisions: `{"kind":"permission","index":N,"choice":K,"label":"…"}` (choice 0
/// means Esc). Trust decisions: `{"kind":"trust","label":"…"}`. Limit-menu and `Switch model?`
/// answers: `{"kind":"limit-menu"|"switch-model","choice":K,"label":"…"}`. The exit:
/// `{"kind":"exit","status":S,"reason":"…"}`.
struct Recorder {
    let path: String?
    private var prompts = 0

    init(path: String?) {
        self.path = path
        if let path, !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
    }

    mutating func prompt(_ bytes: [UInt8]) {
        prompts += 1
        append(["kind": "prompt", "index": prompts, "base64": Data(bytes).base64EncodedString()])
    }

    func permission(question: Int, choice: Int, label: String) {
        append(["kind": "permission", "index": question, "choice": choice, "label": label])
    }

    /// The status the simulator is about to exit with (and why).
    func exit(status: Int32, reason: String) {
        append(["kind": "exit", "status": Int(status), "reason": reason])
    }

    func decision(kind: String, choice: Int, label: String) {
        append(["kind": kind, "choice": choice, "label": label])
    }

    func trust(label: String) {
        append(["kind": "trust", "label": label])
    }

    private func append(_ object: [String: Any]) {
        guard let path,
              var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
              let handle = FileHandle(forWritingAtPath: path) else { return }
        data.append(0x0a)
        handle.seekToEndOfFile()
        handle.write(data)
        try? handle.close()
    }
}
