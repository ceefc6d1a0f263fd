/// The models the simulator offers, by alias, with the labels the picker and `/model` print.
struct SimModel: Equatable {
    /// The alias typed after `/model` (`default`, `opus`, `sonnet`, `haiku`).
    var alias: String
    /// The picker label (`Default (recommended)`, `Opus`, …).
    var pickerLabel: String
    /// The display name printed by `Set model to …` (`Opus 4.6`, …).
    var displayName: String
    var description: String

    static let all: [SimModel] = [
        SimModel(alias: "default", pickerLabel: "Default (recommended)", displayName: "Opus 4.6",
                 description: "Opus 4.6 · Most capable for complex work"),
        SimModel(alias: "opus", pickerLabel: "Opus", displayName: "Opus 4.6",
                 description: "Opus 4.6 · Legacy alias for the most capable model"),
        SimModel(alias: "sonnet", pickerLabel: "Sonnet", displayName: "Sonnet 4.6",
                 description: "Sonnet 4.6 · Best for everyday tasks"),
        SimModel(alias: "haiku", pickerLabel: "Haiku", displayName: "Haiku 4.5",
                 description: "Haiku 4.5 · Fastest for quick answers"),
    ]

    static func named(_ alias: String) -> SimModel? {
        all.first { $0.alias == alias.lowercased() }
    }

    /// The text after `Set model to ` for this model.
    var setLabel: String { alias == "default" ? "\(displayName) (default)" : displayName }
}
