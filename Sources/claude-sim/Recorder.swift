import Foundation

/// Appends one JSON line per event to the `--record` file.
///
/// Prompts: `{"kind":"prompt","index":N,"base64":"…"}` where the base64 holds exactly the
/// bytes that were submitted (typed before Enter and/or pasted between the markers), untrimmed.
/// Permission decisions: `{"kind":"permission","index":N,"choice":K,"label":"…"}` (choice 0
/// means Esc). Trust decisions: `{"kind":"trust","label":"…"}`. The exit:
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
