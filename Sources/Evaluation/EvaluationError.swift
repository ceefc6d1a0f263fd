/// A problem with evaluation input or options, phrased so a user can fix it: what is wrong,
/// where, and what to do instead. The CLI prints `description` as a one-line error.
public struct EvaluationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The broad class of problem, so callers can branch without parsing text.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// A file could not be read or written.
        public static let io = Kind("io")
        /// A file's contents do not follow the expected format.
        public static let format = Kind("format")
        /// Scores and dataset do not fit together (missing ids, NaN, ...).
        public static let mismatch = Kind("mismatch")
        /// An option value is out of range or inconsistent with the data.
        public static let option = Kind("option")
        /// The requested computation is undefined on this data (e.g. tied decile edges).
        public static let undefined = Kind("undefined")
        public var description: String { name }
    }

    /// The class of problem.
    public var kind: Kind
    /// The problem and its fix, in one line.
    public var message: String

    /// Creates an error of `kind` whose `message` names the problem and the fix.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
