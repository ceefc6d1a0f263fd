import Foundation

/// On-disk cache of live scores, so re-scoring a dataset costs nothing. A JSONL file, one entry
/// per line: `{"model", "strategy", "template", "question", "score"}` where `template` and
/// `question` are FNV-1a hashes of the prompt template and the question text.
public struct ScoreCache: Sendable {
    /// What a score depends on besides the question.
    public struct Identity: Sendable, Hashable {
        /// The model (e.g. the GGUF file name or llama-server model id).
        public var model: String
        /// The strategy name.
        public var strategy: String
        /// The prompt template text (hashed into the key, so editing it invalidates entries).
        public var template: String

        /// Creates an identity.
        public init(model: String, strategy: String, template: String) {
            self.model = model
            self.strategy = strategy
            self.template = template
        }
    }

    private struct Entry: Decodable {
        var model: String, strategy: String, template: String, question: String, score: Double
    }

    private struct Key: Hashable {
        var model: String, strategy: String, template: String, question: String
    }

    private var entries: [Key: Double] = [:]
    private var order: [Key] = []
    /// The file the cache lives in.
    public let path: String

    /// Loads the cache at `path` (empty when the file does not exist yet).
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { return }
        let text = String(decoding: try AtomicFile.read(path), as: UTF8.self)
        let decoder = JSONDecoder()
        for (index, line) in text.split(separator: "\n").enumerated() {
            guard let entry = try? decoder.decode(Entry.self, from: Data(line.utf8)) else {
                throw EvaluationError(.format, "score cache \(path):\(index + 1) is not a cache entry; delete the file to rebuild the cache")
            }
            insert(Key(model: entry.model, strategy: entry.strategy, template: entry.template, question: entry.question), entry.score)
        }
    }

    private static func key(_ identity: Identity, _ question: String) -> Key {
        Key(model: identity.model, strategy: identity.strategy, template: StableHash.hex(identity.template),
            question: StableHash.hex(question))
    }

    private mutating func insert(_ key: Key, _ score: Double) {
        if entries.updateValue(score, forKey: key) == nil { order.append(key) }
    }

    /// Number of cached scores.
    public var count: Int { entries.count }

    /// The cached score of `question` under `identity`, if any.
    public func score(for question: String, identity: Identity) -> Double? {
        entries[Self.key(identity, question)]
    }

    /// Records a score (kept in memory until `save()`).
    public mutating func record(_ score: Double, for question: String, identity: Identity) {
        insert(Self.key(identity, question), score)
    }

    /// Writes the cache file atomically.
    public func save() throws {
        var out = ""
        for key in order {
            out += "{\"model\":\(JSONText.quote(key.model)),\"strategy\":\(JSONText.quote(key.strategy)),\"template\":\"\(key.template)\",\"question\":\"\(key.question)\",\"score\":\(entries[key]!)}\n"
        }
        try AtomicFile.write(out, to: path)
    }
}
