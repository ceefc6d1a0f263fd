/// A bearer key `escalator serve` accepts (`[serve] keys`), with what it may spend per UTC day.
public struct ServeKey: Sendable, Equatable {
    public var key: String
    /// USD per day; nil = no limit.
    public var dailyBudgetUsd: Double?

    public init(key: String, dailyBudgetUsd: Double?) {
        self.key = key
        self.dailyBudgetUsd = dailyBudgetUsd
    }

    /// Parses `KEY` or `KEY:BUDGET` entries (the config's array of strings, comma-joined).
    static func parse(_ text: String) throws -> [ServeKey] {
        try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { entry in
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard let key = parts.first, key.count >= 8, !key.contains(where: \.isWhitespace) else {
                throw RoutingError(problem: "serve.keys entry \"\(entry)\" is not a usable key",
                                   fix: "use keys of at least 8 characters without spaces, as \"KEY\" or \"KEY:DAILY_USD\"")
            }
            guard parts.count == 2 else { return ServeKey(key: key, dailyBudgetUsd: nil) }
            guard let budget = Double(parts[1]), budget.isFinite, budget >= 0 else {
                throw RoutingError(problem: "serve.keys entry for \(key.prefix(4))…: budget \"\(parts[1])\" is not a number of dollars",
                                   fix: "write it as \"KEY:5.00\" (USD per UTC day), or \"KEY\" for no limit")
            }
            return ServeKey(key: key, dailyBudgetUsd: budget)
        }
    }

    static func text(_ keys: [ServeKey]) -> String {
        keys.map { $0.key + ($0.dailyBudgetUsd.map { ":\($0)" } ?? "") }.joined(separator: ",")
    }
}
