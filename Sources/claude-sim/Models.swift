/// The models the simulator offers, by alias, with the labels 2.1.332's picker and `/model` print.
struct SimModel: Equatable {
    /// The alias typed after `/model` (`default`, `opus`, `fable`, `sonnet`, `haiku`).
    var alias: String
    /// The picker label (`Default (recommended)`, `Opus`, …).
    var pickerLabel: String
    /// The display name printed by `Set model to …` and the banner (`Opus 5.5`, …).
    var displayName: String
    /// The picker's description, price included.
    var description: String

    static let all: [SimModel] = [
        SimModel(alias: "default", pickerLabel: "Default (recommended)", displayName: "Opus 5.5",
                 description: "Use the default model (currently Opus 5.5) · $4/$20 per Mtok"),
        SimModel(alias: "opus", pickerLabel: "Opus", displayName: "Opus 5.5",
                 description: "Opus 5.5 · Best for everyday, complex tasks · $4/$20 per Mtok"),
        SimModel(alias: "fable", pickerLabel: "Fable", displayName: "Fable 5.2",
                 description: "Fable 5.2 · Most capable for your hardest and longest-running tasks · $8/$40 per Mtok"),
        SimModel(alias: "sonnet", pickerLabel: "Sonnet", displayName: "Sonnet 5.5",
                 description: "Sonnet 5.5 · Efficient for routine tasks · $2/$10 per Mtok"),
        SimModel(alias: "haiku", pickerLabel: "Haiku", displayName: "Haiku 5.5",
                 description: "Haiku 5.5 · Fastest for quick answers · $0.10/$0.50 per Mtok ($0.50/$2.50 for prompts over 100k)"),
    ]

    static let aliases = all.map(\.alias).joined(separator: ", ")

    static func named(_ alias: String) -> SimModel? {
        all.first { $0.alias == alias.lowercased() }
    }

    /// The text after `Set model to ` and `Kept model as ` for this model.
    var setLabel: String { alias == "default" ? "\(displayName) (default)" : displayName }
}
