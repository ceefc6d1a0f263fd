import Foundation

/// Writes output files all-or-nothing: the data goes to a temporary file beside the target,
/// which is then renamed over it, so a failed run never leaves a half-written file.
public enum AtomicFile {
    /// Writes `text` to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: dir.path) else {
            throw EvaluationError(.io, "cannot write \(path): directory \(dir.path) does not exist; create it first")
        }
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))")
        do {
            try data.write(to: temp)
            // rename(2) replaces the target atomically.
            guard rename(temp.path, url.path) == 0 else {
                throw EvaluationError(.io, "cannot write \(path): rename failed (errno \(errno)); check the path and permissions")
            }
        } catch let error as EvaluationError {
            try? FileManager.default.removeItem(at: temp)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw EvaluationError(.io, "cannot write \(path): \(error.localizedDescription); check the path and permissions")
        }
    }

    /// Throws when `path` cannot be written because its directory is missing or read-only, so a
    /// command can refuse before producing any of its outputs.
    public static func checkWritable(_ path: String) throws {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EvaluationError(.io, "cannot write \(path): directory \(dir) does not exist; create it first")
        }
        guard FileManager.default.isWritableFile(atPath: dir) else {
            throw EvaluationError(.io, "cannot write \(path): directory \(dir) is not writable; choose another path")
        }
    }

    /// Reads a whole file, with an error that names the path.
    public static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EvaluationError(.io, "cannot read \(path): no such file or not readable; check the path")
        }
        return data
    }
}
