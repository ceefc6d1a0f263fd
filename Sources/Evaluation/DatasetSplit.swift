/// Seeded, reproducible train/test splits of a dataset: by item (a random share of the items,
/// e.g. GSM8K 50/50) or by category (whole subjects held out, e.g. MMLU: the test subjects are
/// never seen in training, so the router must generalise to new subjects).
///
/// The order is a function of the seed and the item (or category) names only, so the same seed
/// gives the same split whatever the file order.
public struct DatasetSplit: Sendable, Equatable {
    /// How items are assigned.
    public enum Method: String, Sendable, CaseIterable {
        /// A seeded share of the items.
        case item
        /// A seeded share of the categories (every item of a held-out category is tested).
        case category
    }

    /// Indices of the training items, in dataset order.
    public var train: [Int]
    /// Indices of the test items, in dataset order.
    public var test: [Int]
    /// For a category split: the held-out categories, sorted.
    public var testCategories: [String]

    /// Splits `dataset`: `testFraction` of the items (or of the categories) go to the test side.
    /// `testCategories`, when given, names the held-out categories instead.
    public init(_ dataset: Dataset, method: Method, testFraction: Double, seed: UInt64,
                testCategories named: [String]? = nil) throws {
        let n = dataset.items.count
        switch method {
        case .item:
            guard testFraction > 0, testFraction < 1 else {
                throw EvaluationError(.option, "the test fraction must be between 0 and 1 (exclusive), got \(testFraction); e.g. 0.5")
            }
            let order = dataset.items.indices.sorted {
                let a = Self.key(dataset.items[$0].id, seed), b = Self.key(dataset.items[$1].id, seed)
                return a != b ? a < b : $0 < $1
            }
            let testCount = Int((Double(n) * testFraction).rounded())
            guard testCount > 0, testCount < n else {
                throw EvaluationError(.option, "a \(testFraction) split of \(n) items leaves an empty side; use more items or a fraction nearer 0.5")
            }
            let testSet = Set(order.prefix(testCount))
            test = dataset.items.indices.filter { testSet.contains($0) }
            train = dataset.items.indices.filter { !testSet.contains($0) }
            testCategories = []
        case .category:
            let categories = Array(Set(dataset.items.map { $0.category ?? "" })).sorted()
            guard categories.count >= 2 else {
                throw EvaluationError(.option, "a split by category needs at least 2 categories; the dataset has \(categories.count) (give items a \"category\", or split by item)")
            }
            let held: Set<String>
            if let named {
                let unknown = named.filter { !categories.contains($0) }
                guard unknown.isEmpty else {
                    throw EvaluationError(.option, "unknown categories \(unknown.joined(separator: ", ")); the dataset has: \(categories.joined(separator: ", "))")
                }
                held = Set(named)
            } else {
                guard testFraction > 0, testFraction < 1 else {
                    throw EvaluationError(.option, "the test fraction must be between 0 and 1 (exclusive), got \(testFraction); e.g. 0.3")
                }
                let order = categories.sorted { Self.key($0, seed) < Self.key($1, seed) }
                let count = min(categories.count - 1, max(1, Int((Double(categories.count) * testFraction).rounded())))
                held = Set(order.prefix(count))
            }
            guard !held.isEmpty, held.count < categories.count else {
                throw EvaluationError(.option, "holding out \(held.count) of \(categories.count) categories leaves an empty side")
            }
            test = dataset.items.indices.filter { held.contains(dataset.items[$0].category ?? "") }
            train = dataset.items.indices.filter { !held.contains(dataset.items[$0].category ?? "") }
            testCategories = held.sorted()
        }
    }

    /// The dataset of `indices` (same tiers and source).
    public static func subset(_ dataset: Dataset, _ indices: [Int], note: String) throws -> Dataset {
        try Dataset(tiers: dataset.tiers, items: indices.map { dataset.items[$0] },
                    source: (dataset.source.map { "\($0); " } ?? "") + note)
    }

    /// A seeded position of `name` in a shuffled order.
    static func key(_ name: String, _ seed: UInt64) -> UInt64 {
        var rng = SplitMix64(seed: seed ^ StableHash.fnv1a64(name))
        return rng.next()
    }
}
