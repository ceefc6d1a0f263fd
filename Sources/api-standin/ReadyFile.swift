import Foundation

/// `--ready-file`: `{"port":N,"pid":P}`, written atomically (a temporary file in the same
/// directory, then rename) once the server listens, so a waiting test never reads half of it.
struct ReadyFile: Sendable {
    let path: String

    func write(port: Int, pid: Int32) throws(ReadyFileError) {
        let text = #"{"port":\#(port),"pid":\#(pid)}"# + "\n"
        let temporary = path + ".tmp-\(pid)"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw ReadyFileError(path: path, reason: error.localizedDescription)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ReadyFileError(path: path, reason: reason)
        }
    }
}

struct ReadyFileError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "cannot write the ready file \(path): \(reason)" }
}
