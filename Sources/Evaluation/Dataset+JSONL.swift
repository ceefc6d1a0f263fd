import Foundation

/// The native on-disk format (documented in `eval/README.md`): JSONL whose first line is a
/// header naming the tiers in cost order, then one item per line with per-tier `outcomes`.
extension Dataset {
    /// The value of the header's `format` key.
    public static let formatName = "escalator-dataset"

    /// Reads a native dataset from `path`. When the first line is not a header, the tiers are
    /// read from the sidecar `<path>.tiers.json` holding the same header object.
    public static func load(path: String) throws -> Dataset {
        let data = try AtomicFile.read(path)
        return try parse(data, name: path, sidecar: { try? AtomicFile.read(path + ".tiers.json") })
    }

    /// Parses native JSONL; `name` is used in error messages, `sidecar` supplies the header when
    /// the first line is an item.
    public static func parse(_ data: Data, name: String, sidecar: () -> Data? = { nil }) throws -> Dataset {
        try data.withUnsafeBytes { raw in
            try parse(raw.bindMemory(to: UInt8.self), name: name, sidecar: sidecar)
        }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, name: String, sidecar: () -> Data?) throws -> Dataset {
        let lines = splitLines(bytes)
        guard !lines.isEmpty else {
            throw EvaluationError(.format, "\(name) is empty; a dataset needs a header line and items (see eval/README.md)")
        }
        let firstLine = try node(UnsafeBufferPointer(rebasing: bytes[lines[0].range]), at: "\(name):\(lines[0].number)")
        let header: JSONNode
        var itemLines = lines[...]
        if firstLine["tiers"] != nil {
            header = firstLine
            itemLines = lines.dropFirst()
        } else if let side = sidecar() {
            header = try node(side, at: "\(name).tiers.json")
        } else {
            throw EvaluationError(.format, "\(name) has no header: the first line must name the tiers, e.g. {\"format\":\"escalator-dataset\",\"tiers\":[{\"name\":\"local\"},{\"name\":\"remote\"}]}, or put that object in \(name).tiers.json")
        }
        let tiers = try parseTiers(header["tiers"], name: name)
        let tierIndex = Dictionary(tiers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var items: [DatasetItem] = []
        items.reserveCapacity(itemLines.count)
        for (number, line) in itemLines {
            let place = "\(name):\(number)"
            let object = try node(UnsafeBufferPointer(rebasing: bytes[line]), at: place)
            guard case .object = object else {
                throw EvaluationError(.format, "\(place) is not a JSON object; write one JSON object per line with id, question and outcomes")
            }
            guard let id = object["id"]?.text else {
                throw EvaluationError(.format, "\(place) has no \"id\"; give every item a unique id")
            }
            guard case let .string(question)? = object["question"] else {
                throw EvaluationError(.format, "\(place) (id \(id)) has no \"question\" string; add the question text")
            }
            var category: String?
            if case let .string(c)? = object["category"] { category = c }
            let outcomes = try perTier(object["outcomes"], tiers: tiers, index: tierIndex, field: "outcomes", at: place, required: true)!
            let costs = try perTier(object["cost_usd"], tiers: tiers, index: tierIndex, field: "cost_usd", at: place, required: false)
            items.append(DatasetItem(id: id, question: question, category: category,
                                     gold: object["gold"]?.text, outcomes: outcomes, costUSD: costs))
        }
        guard !items.isEmpty else {
            throw EvaluationError(.format, "\(name) has a header but no items; add one JSON object per question")
        }
        var source: String?
        if case let .string(text)? = header["source"] { source = text }
        return try Dataset(tiers: tiers, items: items, source: source)
    }

    private static func node(_ data: Data, at place: String) throws -> JSONNode {
        try data.withUnsafeBytes { raw in try node(raw.bindMemory(to: UInt8.self), at: place) }
    }

    private static func node(_ bytes: UnsafeBufferPointer<UInt8>, at place: String) throws -> JSONNode {
        let result = Result { () throws(JSONScanError) -> JSONNode in try JSONScanner.parse(bytes) }
        switch result {
        case let .success(node): return node
        case let .failure(error):
            throw EvaluationError(.format, "\(place) is not valid JSON (\(error.reason) at byte \(error.offset + 1)); write one JSON object per line")
        }
    }

    private static func parseTiers(_ value: JSONNode?, name: String) throws -> [DatasetTier] {
        guard case let .array(list)? = value, list.count >= 2 else {
            throw EvaluationError(.format, "\(name): header \"tiers\" must list at least 2 tiers in cost order, e.g. [{\"name\":\"local\"},{\"name\":\"remote\",\"price_usd\":0.01}]")
        }
        return try list.map { entry in
            if case let .string(text) = entry { return DatasetTier(name: text) }
            guard case let .string(tierName)? = entry["name"] else {
                throw EvaluationError(.format, "\(name): each header tier must be a name or {\"name\": ..., \"price_usd\": ...}")
            }
            return DatasetTier(name: tierName, priceUSD: entry["price_usd"]?.number)
        }
    }

    private static func perTier(_ value: JSONNode?, tiers: [DatasetTier], index: [String: Int], field: String,
                                at place: String, required: Bool) throws -> [Double]? {
        guard let value, !value.isNull else {
            if required {
                throw EvaluationError(.format, "\(place) has no \"\(field)\"; give one value per tier, e.g. {\"\(tiers[0].name)\": 1, \"\(tiers[1].name)\": 0}")
            }
            return nil
        }
        switch value {
        case let .array(list):
            let numbers = list.compactMap(\.number)
            guard numbers.count == list.count, numbers.count == tiers.count else {
                throw EvaluationError(.format, "\(place): \"\(field)\" must hold \(tiers.count) numbers (one per tier)")
            }
            return numbers
        case let .object(members):
            var result = [Double](repeating: .nan, count: tiers.count)
            for (key, raw) in members {
                guard let i = index[key] else {
                    throw EvaluationError(.format, "\(place): \"\(field)\" names unknown tier \(key); the header lists \(tiers.map(\.name))")
                }
                guard let number = raw.number else {
                    throw EvaluationError(.format, "\(place): \"\(field)\".\(key) is not a number; use 0/1 or a score")
                }
                guard result[i].isNaN else {
                    throw EvaluationError(.format, "\(place): \"\(field)\" names tier \(key) twice; give each tier once")
                }
                result[i] = number
            }
            if let missing = result.firstIndex(where: \.isNaN) {
                throw EvaluationError(.format, "\(place): \"\(field)\" lacks tier \(tiers[missing].name); give a value for every tier")
            }
            return result
        default:
            throw EvaluationError(.format, "\(place): \"\(field)\" must be an object keyed by tier name or a list in tier order")
        }
    }

    /// Byte ranges of the non-blank lines with their 1-based line numbers.
    private static func splitLines(_ bytes: UnsafeBufferPointer<UInt8>) -> [(number: Int, range: Range<Int>)] {
        var lines: [(number: Int, range: Range<Int>)] = []
        var lineNumber = 0
        var start = 0
        func flush(_ end: Int) {
            lineNumber += 1
            for i in start..<end where bytes[i] != 0x20 && bytes[i] != 0x09 && bytes[i] != 0x0D {
                lines.append((lineNumber, start..<end))
                return
            }
        }
        for i in 0..<bytes.count where bytes[i] == 0x0A {
            flush(i)
            start = i + 1
        }
        if start < bytes.count { flush(bytes.count) }
        return lines
    }

    /// The dataset as native JSONL text (header line first).
    public func jsonl() -> String {
        var out = "{\"format\":\(JSONText.quote(Self.formatName)),\"version\":1"
        if let source { out += ",\"source\":\(JSONText.quote(source))" }
        out += ",\"tiers\":["
        out += tiers.map { tier in
            var t = "{\"name\":\(JSONText.quote(tier.name))"
            if let p = tier.priceUSD { t += ",\"price_usd\":\(JSONText.number(p))" }
            return t + "}"
        }.joined(separator: ",")
        out += "]}\n"
        for item in items {
            out += "{\"id\":\(JSONText.quote(item.id))"
            if let c = item.category { out += ",\"category\":\(JSONText.quote(c))" }
            out += ",\"question\":\(JSONText.quote(item.question))"
            if let g = item.gold { out += ",\"gold\":\(JSONText.quote(g))" }
            out += ",\"outcomes\":{"
            out += zip(tiers, item.outcomes).map { "\(JSONText.quote($0.name)):\(JSONText.number($1))" }.joined(separator: ",")
            out += "}"
            if let costs = item.costUSD {
                out += ",\"cost_usd\":{"
                out += zip(tiers, costs).map { "\(JSONText.quote($0.name)):\(JSONText.number($1))" }.joined(separator: ",")
                out += "}"
            }
            out += "}\n"
        }
        return out
    }

    /// Writes the dataset to `path` atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(jsonl(), to: path)
    }
}
