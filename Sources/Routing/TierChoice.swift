/// How a question's tier is requested on the command line: decided from the assessment
/// (`auto`) or forced to a named tier.
public enum TierChoice: Sendable, Equatable, CustomStringConvertible {
    case auto
    case forced(Tier)

    /// Parses `auto` or the name of one of `table`'s tiers.
    public init(parsing text: String, in table: TierTable) throws {
        if text == "auto" { self = .auto; return }
        guard let tier = table.tiers.first(where: { $0.name == text }) else {
            throw RoutingError(problem: "unknown tier \"\(text)\"",
                               fix: "use auto or one of the configured tiers: \(table.names.joined(separator: ", "))")
        }
        self = .forced(tier)
    }

    public var description: String {
        switch self {
        case .auto: "auto"
        case .forced(let t): t.name
        }
    }
}
