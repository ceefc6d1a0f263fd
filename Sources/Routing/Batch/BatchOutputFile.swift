import Foundation
import Synchronization

/// The JSON-lines answers file of a batch, appended to durably: each answer is one `write(2)` of a
/// complete line followed by `fsync`, so a batch killed at any moment leaves at most one cut-off
/// last line, which ``init(path:resume:)`` removes when the batch is resumed.
///
/// Appends are serialised, so many tasks may share one file. They block (`fsync`), so call them
/// from a thread that may block rather than from a tight loop on the cooperative pool.
public final class BatchOutputFile: Sendable {
    /// The file's path.
    public let path: String
    /// The ids of the questions the file already answers (lines whose `status` is `ok`).
    public let answeredIDs: Set<String>
    /// The ids whose lines in the file all have `status` `error` (never `ok`).
    public let erroredIDs: Set<String>
    /// How many bytes of a cut-off last line were removed when resuming (0 when none).
    public let droppedBytes: Int

    private let descriptor: Mutex<AppendDescriptor>

    /// Opens the answers file at `path` for appending, creating it and its folder when missing.
    ///
    /// - Parameters:
    ///   - path: the answers file.
    ///   - resume: continue a batch whose answers are already in the file: drop a cut-off last line
    ///     and read which questions are answered. Without it, a non-empty file is refused.
    /// - Throws: ``RoutingError`` when the file has content and `resume` is false, when it is not a
    ///   batch output (a line that is not a JSON object with an `id`), or when it cannot be read,
    ///   created, truncated or opened.
    public convenience init(path: String, resume: Bool) throws {
        try self.init(path: path, resume: resume, calls: .system)
    }

    init(path: String, resume: Bool, calls: Syscalls) throws {
        self.path = path
        let manager = FileManager.default
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !manager.fileExists(atPath: folder) {
            do {
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw RoutingError(problem: "cannot create the folder \(folder) for \(path): \(error.localizedDescription)",
                                   fix: "check the path and its permissions, or choose another --output")
            }
        }
        var isFolder: ObjCBool = false
        let existed = manager.fileExists(atPath: path, isDirectory: &isFolder)
        if isFolder.boolValue {
            throw RoutingError(problem: "\(path) is a folder", fix: "give --output a file name, e.g. \(path)/answers.jsonl")
        }
        var contents = Existing()
        if existed {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw RoutingError(problem: "cannot read \(path): \(error.localizedDescription)",
                                   fix: "check its permissions, or choose another --output")
            }
            if !data.isEmpty && !resume {
                let lines = data.split(separator: 0x0A).filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }.count
                throw RoutingError(problem: lines == 0 ? "\(path) already exists and is not empty"
                                        : "\(path) already has \(lines) \(lines == 1 ? "answer" : "answers")",
                                   fix: "pass --resume to continue that batch, or choose another --output")
            }
            contents = try Self.read(data, path: path)
        }

        let fd = path.withCString { calls.open($0, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644) }
        if fd < 0 {
            let code = errno
            throw RoutingError(problem: "cannot open \(path) for writing: \(Syscalls.message(code))",
                               fix: "check the path and its permissions, or choose another --output")
        }
        if contents.droppedBytes > 0 {
            if calls.ftruncate(fd, off_t(contents.keptBytes)) != 0 || Syscalls.retryingInterrupts({ calls.fsync(fd) }) != 0 {
                let code = errno
                _ = calls.close(fd)
                throw RoutingError(problem: "cannot remove the cut-off last line of \(path): \(Syscalls.message(code))",
                                   fix: "check its permissions, or remove that line by hand and rerun with --resume")
            }
        }
        if !existed {
            // The new file's name is durable only once its folder is synced too.
            let folderFD = (folder.isEmpty ? "." : folder).withCString { calls.open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0) }
            if folderFD >= 0 {
                _ = Syscalls.retryingInterrupts { calls.fsync(folderFD) }
                _ = calls.close(folderFD)
            }
        }
        answeredIDs = contents.answered
        erroredIDs = contents.errored.subtracting(contents.answered)
        droppedBytes = contents.droppedBytes
        descriptor = Mutex(AppendDescriptor(fd: fd, calls: calls))
    }

    deinit { close() }

    /// Appends `jsonLine` and a newline in one write, then syncs the file to disk.
    /// - Throws: ``RoutingError`` naming the file and the system's reason when the write or the
    ///   sync fails (a partly written line is removed again when possible), when `jsonLine` holds a
    ///   line break, or when the file is closed.
    public func append(_ jsonLine: String) throws {
        var bytes = Array(jsonLine.utf8)
        if bytes.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            throw RoutingError(problem: "an answer for \(path) holds a line break, so it would not be one JSON line",
                               fix: "encode each answer as compact JSON on one line")
        }
        bytes.append(0x0A)
        try descriptor.withLock { (file: inout AppendDescriptor) throws(RoutingError) in
            try file.append(bytes, path: path)
        }
    }

    /// Closes the file; later appends throw. Closing twice is harmless.
    public func close() {
        descriptor.withLock { $0.close() }
    }

    // MARK: - Reading an existing file

    /// What a batch output file already holds.
    struct Existing {
        var answered: Set<String> = []
        var errored: Set<String> = []
        /// The length of the complete lines.
        var keptBytes = 0
        /// The length of the cut-off last line after them.
        var droppedBytes = 0
    }

    private struct AnswerLine: Decodable {
        var id: String
        var status: String?

        private enum CodingKeys: String, CodingKey { case id, status }

        init(from decoder: any Decoder) throws {
            let object = try decoder.container(keyedBy: CodingKeys.self)
            id = try object.decode(String.self, forKey: .id)
            status = try? object.decodeIfPresent(String.self, forKey: .status)
        }
    }

    /// Reads the complete lines of a batch output file's `data`.
    static func read(_ data: Data, path: String) throws -> Existing {
        let bytes = [UInt8](data)
        var existing = Existing()
        existing.keptBytes = (bytes.lastIndex(of: 0x0A) ?? -1) + 1
        existing.droppedBytes = bytes.count - existing.keptBytes
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        let lines = bytes[..<existing.keptBytes].split(separator: 0x0A, omittingEmptySubsequences: false)
        let decoder = JSONDecoder()
        for (index, line) in lines.enumerated() where !line.allSatisfy(isBlank) {
            guard let answer = try? decoder.decode(AnswerLine.self, from: Data(line)) else {
                throw RoutingError(problem: "line \(index + 1) of \(path) is not a JSON object with a string \"id\", so the file is not a batch's answers",
                                   fix: "choose another --output, or repair that line")
            }
            switch answer.status {
            case "ok": existing.answered.insert(answer.id)
            case "error": existing.errored.insert(answer.id)
            default: break
            }
        }
        // A cut-off line is the start of an answer, `{...`; anything else means this is some other file.
        let partial = bytes[existing.keptBytes...].drop(while: isBlank)
        if let first = partial.first, first != UInt8(ascii: "{") {
            throw RoutingError(problem: "line \(lines.count) of \(path) is not a JSON object with a string \"id\", so the file is not a batch's answers",
                               fix: "choose another --output, or repair that line")
        }
        return existing
    }
}

extension BatchOutputFile {
    /// The C calls the answers file makes, replaceable in tests (swift-system's syscall seam). Each
    /// behaves like its libc namesake: on failure it returns -1 and sets `errno`.
    struct Syscalls: Sendable {
        var open: @Sendable (_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32
        var write: @Sendable (_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int
        var lseek: @Sendable (_ fd: Int32, _ offset: off_t, _ whence: Int32) -> off_t
        var fsync: @Sendable (_ fd: Int32) -> Int32
        var ftruncate: @Sendable (_ fd: Int32, _ length: off_t) -> Int32
        var close: @Sendable (_ fd: Int32) -> Int32

        static let system = Syscalls(
            open: { Glibc.open($0, $1, $2) },
            write: { Glibc.write($0, $1.baseAddress, $1.count) },
            lseek: { Glibc.lseek($0, $1, $2) },
            fsync: { Glibc.fsync($0) },
            ftruncate: { Glibc.ftruncate($0, $1) },
            close: { Glibc.close($0) })

        /// The system's text for error `code`, e.g. "No space left on device".
        static func message(_ code: Int32) -> String { String(cString: strerror(code)) }

        /// Runs `call` again while it fails with EINTR.
        static func retryingInterrupts(_ call: () -> Int32) -> Int32 {
            while true {
                let result = call()
                if result == -1 && errno == EINTR { continue }
                return result
            }
        }
    }

    /// Owns the answers file's descriptor: closed by ``close()`` or, at the latest, in `deinit`.
    struct AppendDescriptor: ~Copyable {
        private var fd: Int32?
        private let calls: Syscalls
        /// Set when a failed write or sync may have left the file inconsistent; later appends refuse.
        private var failure: String?

        init(fd: Int32, calls: Syscalls) {
            self.fd = fd
            self.calls = calls
        }

        deinit {
            if let fd { _ = calls.close(fd) }
        }

        mutating func close() {
            if let fd { _ = calls.close(fd) }
            fd = nil
        }

        /// Writes all of `bytes` (retrying partial writes and EINTR) and syncs them.
        mutating func append(_ bytes: [UInt8], path: String) throws(RoutingError) {
            guard let fd else {
                throw RoutingError(problem: "\(path) is already closed", fix: "open it again to append more answers")
            }
            if let failure {
                throw RoutingError(problem: "cannot append to \(path): an earlier write failed (\(failure))",
                                   fix: "fix that, then rerun with --resume")
            }
            let start = calls.lseek(fd, 0, SEEK_END)
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { calls.write(fd, UnsafeRawBufferPointer(rebasing: $0[written...])) }
                if n > 0 {
                    written += n
                    continue
                }
                let code = n == 0 ? EIO : errno
                if n < 0 && code == EINTR { continue }
                // Take back a partly written line, so the next answer starts on a line of its own.
                if written > 0 && (start < 0 || calls.ftruncate(fd, start) != 0) {
                    failure = "a partly written line could not be removed"
                }
                throw RoutingError(problem: "could not write an answer to \(path): \(Syscalls.message(code))",
                                   fix: "check the disk's free space and the file's permissions, then rerun with --resume")
            }
            if Syscalls.retryingInterrupts({ calls.fsync(fd) }) != 0 {
                let code = errno
                failure = "fsync: \(Syscalls.message(code))"
                throw RoutingError(problem: "could not sync \(path) to disk: \(Syscalls.message(code))",
                                   fix: "check the disk, then rerun with --resume")
            }
        }
    }
}
