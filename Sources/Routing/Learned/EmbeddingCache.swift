import Foundation
import Synchronization

/// On-disk cache of question embeddings keyed by embedding model and text, so a dataset is
/// embedded once per model (as `ScoreCache` does for live scores).
///
/// The file (`$XDG_CACHE_HOME/escalator/embedding-cache.bin` by default) is binary and append-only:
/// an 8-byte header `ESCEMB01`, then one record per vector: magic `EMB1`, FNV-1a 64 of the model
/// name, FNV-1a 64 of the text, the text's UTF-8 length (a second check), the dimension count
/// (all UInt32/UInt64 little-endian) and the vector as little-endian Float32. A record cut off by
/// a killed process is ignored on the next load; several processes may append at once (each
/// record is one `write` on an `O_APPEND` descriptor).
public final class EmbeddingCache: Sendable {
    public let path: String

    struct Key: Hashable {
        var model: UInt64
        var text: UInt64
        var length: UInt32
    }

    static let header = Array("ESCEMB01".utf8)
    static let magic: UInt32 = 0x3142_4D45  // "EMB1" as little-endian bytes

    private let entries: Mutex<[Key: [Float]]>
    /// Bytes at the end of the file that did not form a whole record when it was loaded.
    public let droppedBytes: Int

    /// Loads the cache at `path` (empty when the file does not exist yet). A file that is not an
    /// embedding cache is refused with a ``RoutingError``.
    public init(path: String) throws {
        self.path = path
        var loaded: [Key: [Float]] = [:]
        var dropped = 0
        if let data = FileManager.default.contents(atPath: path), !data.isEmpty {
            let bytes = [UInt8](data)
            guard bytes.count >= Self.header.count, Array(bytes[0..<Self.header.count]) == Self.header else {
                throw RoutingError(problem: "\(path) is not an escalator embedding cache",
                                   fix: "delete it (it is rebuilt on demand) or pass another --embedding-cache file")
            }
            var offset = Self.header.count
            while offset < bytes.count {
                guard let (key, vector, next) = Self.record(in: bytes, at: offset) else {
                    dropped = bytes.count - offset
                    break
                }
                loaded[key] = vector
                offset = next
            }
        }
        entries = Mutex(loaded)
        droppedBytes = dropped
    }

    /// Number of cached vectors.
    public var count: Int { entries.withLock { $0.count } }

    /// The cached vector of `text` embedded by `model`, if any.
    public func vector(model: String, text: String) -> [Float]? {
        let key = Self.key(model: model, text: text)
        return entries.withLock { $0[key] }
    }

    /// Records vectors of `model` for `texts` (same order) in memory and appends them to the file.
    public func store(model: String, texts: [String], vectors: [[Float]]) throws {
        precondition(texts.count == vectors.count)
        var out: [UInt8] = []
        var fresh: [(Key, [Float])] = []
        for (text, vector) in zip(texts, vectors) {
            let key = Self.key(model: model, text: text)
            fresh.append((key, vector))
            Self.append(UInt32(Self.magic), to: &out)
            Self.append(key.model, to: &out)
            Self.append(key.text, to: &out)
            Self.append(key.length, to: &out)
            Self.append(UInt32(vector.count), to: &out)
            for value in vector { Self.append(value.bitPattern, to: &out) }
        }
        entries.withLock { table in for (key, vector) in fresh { table[key] = vector } }
        try appendToFile(out)
    }

    // MARK: Internals

    static func key(model: String, text: String) -> Key {
        Key(model: fnv1a64(model), text: fnv1a64(text), length: UInt32(truncatingIfNeeded: text.utf8.count))
    }

    /// FNV-1a, 64 bits, over UTF-8 bytes (the same hash `ScoreCache` keys on).
    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func read<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], _ offset: Int) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
        return value
    }

    private static func record(in bytes: [UInt8], at offset: Int) -> (Key, [Float], Int)? {
        let fixed = 4 + 8 + 8 + 4 + 4
        guard offset + fixed <= bytes.count, read(UInt32.self, bytes, offset) == magic else { return nil }
        let key = Key(model: read(UInt64.self, bytes, offset + 4), text: read(UInt64.self, bytes, offset + 12),
                      length: read(UInt32.self, bytes, offset + 20))
        let dimensions = Int(read(UInt32.self, bytes, offset + 24))
        let end = offset + fixed + dimensions * 4
        guard dimensions > 0, end <= bytes.count else { return nil }
        var vector = [Float](repeating: 0, count: dimensions)
        for j in 0..<dimensions { vector[j] = Float(bitPattern: read(UInt32.self, bytes, offset + fixed + j * 4)) }
        return (key, vector, end)
    }

    private func appendToFile(_ bytes: [UInt8]) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RoutingError(problem: "cannot write the embedding cache \(path) (\(String(cString: strerror(errno))))",
                               fix: "make its folder writable or pass another --embedding-cache file")
        }
        defer { close(fd) }
        var chunk = bytes
        // A new (or emptied) file starts with the header; O_APPEND puts both at the end.
        var info = stat()
        if fstat(fd, &info) == 0, info.st_size == 0 { chunk = Self.header + chunk }
        let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == chunk.count else {
            throw RoutingError(problem: "could not append to the embedding cache \(path)", fix: "check free disk space")
        }
    }
}
