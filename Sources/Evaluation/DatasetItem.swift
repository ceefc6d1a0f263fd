/// One question of a dataset with the realised outcome of every tier on it.
public struct DatasetItem: Sendable, Equatable {
    /// A unique key (RouteLLM MMLU rows are keyed by file and row, since prompts repeat).
    public var id: String
    /// The question text, which strategies score.
    public var question: String
    /// An optional grouping (subject, MT-Bench category).
    public var category: String?
    /// An optional reference answer.
    public var gold: String?
    /// Quality per tier, in the dataset's tier order: 0/1 correctness or any number.
    public var outcomes: [Double]
    /// Dollar cost per tier, in tier order, when known per item.
    public var costUSD: [Double]?

    /// Creates an item; `outcomes` (and `costUSD` when present) follow the dataset's tier order.
    public init(id: String, question: String, category: String? = nil, gold: String? = nil,
                outcomes: [Double], costUSD: [Double]? = nil) {
        self.id = id
        self.question = question
        self.category = category
        self.gold = gold
        self.outcomes = outcomes
        self.costUSD = costUSD
    }
}
