/// A numbered menu drawn by a terminal agent: the model picker, a permission prompt, a trust
/// dialog or a limit menu.
public struct ScreenMenu: Sendable, Equatable, Codable {
    /// A model's list price as the picker shows it (`$4/$20 per Mtok`, `$0.10/$0.50 per Mtok
    /// ($0.50/$2.50 for prompts over 100k)`), in USD per million tokens.
    public struct Price: Sendable, Equatable, Codable {
        public var input: Double
        public var output: Double
        /// The price for long prompts, and the prompt size (tokens) above which it applies.
        public var longInput: Double?
        public var longOutput: Double?
        public var longThreshold: Int?

        public init(input: Double, output: Double, longInput: Double? = nil, longOutput: Double? = nil,
                    longThreshold: Int? = nil) {
            self.input = input
            self.output = output
            self.longInput = longInput
            self.longOutput = longOutput
            self.longThreshold = longThreshold
        }
    }

    /// One numbered row.
    public struct Option: Sendable, Equatable, Codable {
        /// The number drawn in front of the label (`1.` → 1), when there is one (the 2.1.3xx
        /// trust dialog has none).
        public var number: Int?
        /// The label without the cursor, number and check mark (`Sonnet`, `Yes`, `No, exit`).
        public var label: String
        /// The second column (picker descriptions), when there is one.
        public var description: String?
        /// Whether the row carries the ✔ that marks the current choice.
        public var isCurrent: Bool
        /// The price read from the description (picker rows from 2.1.3xx), when it shows one.
        public var price: Price?

        public init(number: Int?, label: String, description: String? = nil, isCurrent: Bool = false,
                    price: Price? = nil) {
            self.number = number
            self.label = label
            self.description = description
            self.isCurrent = isCurrent
            self.price = price
        }
    }

    /// The title row (`Select model`, `Bash command`, `Accessing workspace:`).
    public var title: String?
    /// The question (`Do you want to proceed?`), when one was found.
    public var question: String?
    /// The text between the frame and the options, one entry per row, trimmed.
    public var text: [String]
    public var options: [Option]
    /// Index into `options` of the row under the cursor (`❯`).
    public var cursor: Int?
    /// The footer row (`Enter to confirm · Esc to cancel`), when there is one.
    public var footer: String?

    public init(title: String? = nil, question: String? = nil, text: [String] = [], options: [Option] = [],
                cursor: Int? = nil, footer: String? = nil) {
        self.title = title
        self.question = question
        self.text = text
        self.options = options
        self.cursor = cursor
        self.footer = footer
    }

    /// Index of the option marked ✔ (the current model in the picker).
    public var current: Int? { options.firstIndex { $0.isCurrent } }

    /// Index of the first option whose label starts with `prefix` (case-insensitive).
    /// Choose options by label, never by position: their order changes between versions.
    public func index(ofLabel prefix: String) -> Int? {
        let wanted = prefix.lowercased()
        return options.firstIndex { $0.label.lowercased().hasPrefix(wanted) }
    }
}
