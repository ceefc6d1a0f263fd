import Foundation
import Routing

/// Per-question escalation scores: a CSV `id,score` where higher means "escalate" (RouteLLM's
/// convention). Scores in [0, 1] may be read as the probability that the local answer is wrong.
public struct ScoreTable: Sendable, Equatable {
    /// Score by item id.
    public var scores: [String: Double]
    /// Ids in file order, so written files are stable.
    public var order: [String]

    /// Creates a table from `(id, score)` pairs in order.
    public init(_ pairs: [(String, Double)]) {
        scores = Dictionary(pairs, uniquingKeysWith: { _, last in last })
        order = pairs.map(\.0)
    }

    /// Reads `id,score` CSV at `path`.
    public static func load(path: String) throws -> ScoreTable {
        let table = try CSVTable.load(path: path)
        let idColumn = try table.column("id", in: path)
        let scoreColumn = try table.column("score", in: path)
        var pairs: [(String, Double)] = []
        var seen = Set<String>()
        for (index, row) in table.rows.enumerated() {
            let id = row[idColumn]
            guard let value = Double(row[scoreColumn]) ?? Double(row[scoreColumn].trimmingCharacters(in: .whitespaces)),
                  value.isFinite else {
                throw EvaluationError(.format, "\(path): row \(index + 1) (id \(id)) has score \"\(row[scoreColumn])\", not a finite number; write a number")
            }
            guard seen.insert(id).inserted else {
                throw EvaluationError(.format, "\(path): id \(id) appears twice; keep one score per id")
            }
            pairs.append((id, value))
        }
        return ScoreTable(pairs)
    }

    /// The scores aligned with `dataset.items`, or an error naming a missing id.
    public func aligned(with dataset: Dataset, scoresName: String) throws -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(dataset.items.count)
        var missing = 0
        var firstMissing: String?
        for item in dataset.items {
            if let s = scores[item.id] {
                result.append(s)
            } else {
                missing += 1
                if firstMissing == nil { firstMissing = item.id }
            }
        }
        if let firstMissing {
            throw EvaluationError(.mismatch, "\(scoresName) has no score for \(missing) of \(dataset.items.count) dataset items (first: \(firstMissing)); score the same dataset with `escalator eval score`")
        }
        return result
    }

    /// The table as CSV text.
    public func csv() -> String {
        var out = "id,score\n"
        for id in order {
            out += "\(CSVTable.field(id)),\(scores[id]!)\n"
        }
        return out
    }

    /// Writes the table to `path` atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(csv(), to: path)
    }
}
