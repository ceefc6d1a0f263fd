/// A problem the user can fix: it names what is wrong and what to do about it.
public struct RoutingError: Error, Sendable, CustomStringConvertible {
    public var problem: String
    public var fix: String

    public init(problem: String, fix: String) {
        self.problem = problem
        self.fix = fix
    }

    public var description: String { "\(problem) — \(fix)" }
}
