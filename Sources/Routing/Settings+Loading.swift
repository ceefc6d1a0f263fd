import Foundation
import TOMLKit

extension Settings {
    /// Loads settings: defaults, then `configFile` (or the default config path if it exists),
    /// then `ESCALATOR_*` variables from `environment`, then `overrides` (from flags), each
    /// checked by its key. An explicitly named config file must exist.
    public static func load(configFile explicitFile: String?, environment: [String: String],
                            overrides: [(key: String, value: String)] = []) throws -> Settings {
        let paths = Paths(environment: environment)
        var settings = Settings(paths: paths)
        let home = environment["HOME"] ?? NSHomeDirectory()

        let file = paths.configFile(explicit: explicitFile, environment: environment)
        if file.named {
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw RoutingError(problem: "config file \(file.path) does not exist",
                                   fix: "create it with `escalator init --config \(file.path)` or drop --config")
            }
            try settings.apply(configFile: file.path)
        } else if FileManager.default.fileExists(atPath: file.path) {
            try settings.apply(configFile: file.path)
        }

        for (variable, key) in try environmentKeys(environment) {
            guard let value = environment[variable] else { continue }
            do { try key.set(&settings, value) } catch let error as RoutingError {
                throw RoutingError(problem: "\(variable): \(error.problem)", fix: error.fix)
            }
        }
        for (name, value) in overrides {
            try SettingKey.named(name).set(&settings, value)
        }
        settings.local.model = expandingTilde(settings.local.model, home: home)
        settings.local.server = expandingTilde(settings.local.server, home: home)
        settings.assessment.promptsDir = expandingTilde(settings.assessment.promptsDir, home: home)
        settings.assessment.router = expandingTilde(settings.assessment.router, home: home)
        settings.embedding.model = expandingTilde(settings.embedding.model, home: home)
        try settings.validate()
        return settings
    }

    /// Applies the keys of a TOML config file.
    mutating func apply(configFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RoutingError(problem: "cannot read config file \(path)", fix: "check its permissions, or pass another file with --config")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: String(decoding: data, as: UTF8.self))
        } catch let error as TOMLParseError {
            throw RoutingError(problem: "config file \(path) is not valid TOML at line \(error.source.begin.line): \(error.description)",
                               fix: "fix that line, or write a fresh annotated file with `escalator init --force`")
        }
        for section in table.keys {
            if section == "tiers" {
                try applyTiers(table[section], file: path)
                continue
            }
            guard let inner = table[section]?.table else {
                throw RoutingError(problem: "config file \(path): `\(section)` must be a [section]",
                                   fix: "put keys under one of: \(Self.sections.map { "[\($0)]" }.joined(separator: ", "))")
            }
            for key in inner.keys {
                guard let value = inner[key] else { continue }
                do {
                    try SettingKey.named("\(section).\(key)").set(&self, Self.text(of: value))
                } catch let error as RoutingError {
                    throw RoutingError(problem: "config file \(path): \(error.problem)", fix: error.fix)
                }
            }
        }
        configFile = path
    }

    /// Applies the `[tiers.NAME]` tables of a config file.
    private mutating func applyTiers(_ value: (any TOMLValueConvertible)?, file path: String) throws {
        guard let tiers = value?.table else {
            throw RoutingError(problem: "config file \(path): `tiers` must hold [tiers.NAME] tables",
                               fix: "write each tier as its own table, e.g. [tiers.fable] with model, input_price, output_price, min_p")
        }
        for name in tiers.keys {
            guard let fields = tiers[name]?.table else {
                throw RoutingError(problem: "config file \(path): `tiers.\(name)` must be a [tiers.\(name)] table",
                                   fix: "put the tier's model, input_price, output_price and min_p under [tiers.\(name)]")
            }
            for field in fields.keys {
                guard let value = fields[field] else { continue }
                do {
                    try SettingKey.named("tiers.\(name).\(field)").set(&self, Self.text(of: value))
                } catch let error as RoutingError {
                    throw RoutingError(problem: "config file \(path): \(error.problem)", fix: error.fix)
                }
            }
        }
    }

    /// The `ESCALATOR_*` variables that set keys: every fixed key's, and
    /// `ESCALATOR_TIERS_<NAME>_<FIELD>` for any tier (a new one is added).
    static func environmentKeys(_ environment: [String: String]) throws -> [(String, SettingKey)] {
        var keys = SettingKey.all.map { ($0.environmentVariable, $0) }
        let prefix = "ESCALATOR_TIERS_"
        for variable in environment.keys.sorted() where variable.hasPrefix(prefix) {
            let rest = variable.dropFirst(prefix.count)
            guard let field = SettingKey.TierField.allCases.first(where: { rest.hasSuffix("_" + $0.rawValue.uppercased()) }) else {
                throw RoutingError(problem: "\(variable) does not name a tier's setting",
                                   fix: "use ESCALATOR_TIERS_<NAME>_<FIELD> with FIELD one of "
                                       + SettingKey.TierField.allCases.map { $0.rawValue.uppercased() }.joined(separator: ", "))
            }
            let name = rest.dropLast(field.rawValue.count + 1).lowercased()
            do { keys.append((variable, try SettingKey.tierKey(named: "tiers.\(name).\(field.rawValue)"))) } catch let error as RoutingError {
                throw RoutingError(problem: "\(variable): \(error.problem)", fix: error.fix)
            }
        }
        return keys
    }

    /// The config file's sections, in the order `escalator init` writes them.
    static var sections: [String] {
        SettingKey.all.reduce(into: [String]()) { if $0.last != $1.section { $0.append($1.section) } }
    }

    static func text(of value: any TOMLValueConvertible) -> String {
        if let s = value.string { return s }
        if let i = value.int { return String(i) }
        if let d = value.double { return String(d) }
        if let b = value.bool { return String(b) }
        if let a = value.array { return a.map { text(of: $0) }.joined(separator: ",") }
        return String(describing: value)
    }

    /// The value of `key` rendered as TOML (strings quoted, numbers and flags bare, numeric
    /// lists as arrays).
    func tomlValue(_ key: SettingKey) -> String {
        let text = key.get(self)
        switch key.form {
        case .numbers: return "[\(text.split(separator: ",").joined(separator: ", "))]"
        case .number where Double(text) != nil, .flag: return text
        case .number, .text:
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
    }

    /// An annotated TOML config holding these settings: every key with its explanation, keys
    /// that do not apply (e.g. Platt parameters under identity calibration) commented out, the
    /// tiers as `[tiers.NAME]` tables, and how to add more (haiku, fable).
    public func annotatedConfig() -> String {
        var out = """
        # Escalator configuration (TOML). Written by `escalator init`.
        # Precedence: built-in defaults < this file < ESCALATOR_<SECTION>_<KEY> environment variables < flags.
        # Every key is optional; delete a line to get the default back.

        """
        var section = ""
        for key in SettingKey.all where key.aliasOf == nil {
            if key.section != section {
                section = key.section
                out += "\n[\(section)]\n"
            }
            let applies: Bool
            switch (key.name, calibration) {
            case ("calibration.a", .platt), ("calibration.b", .platt), ("calibration.x", .isotonic), ("calibration.y", .isotonic): applies = true
            case ("calibration.a", _), ("calibration.b", _), ("calibration.x", _), ("calibration.y", _): applies = false
            default: applies = true
            }
            out += "# \(key.help) (env: \(key.environmentVariable))\n"
            out += applies ? "\(key.key) = \(tomlValue(key))\n" : "# \(key.key) =\n"
        }
        out += """

        # Tiers, cheapest first: local (llama-server), then the agent's models. The policy picks the
        # cheapest tier whose min_p ≤ P(local correct) (the dearest when none is), then clamps it into
        # [routing] min_tier/max_tier; fallbacks follow this order. Tiers are ordered by min_p, highest
        # first (equal min_p: by price). Prices are USD per million tokens; a tier without them gets the
        # built-in prices of its model (sonnet, opus, haiku, fable). Set on the command line with
        # --set tiers.NAME.FIELD=VALUE, in the environment with ESCALATOR_TIERS_<NAME>_<FIELD>.

        """
        for definition in tiers.definitions {
            out += "\n[tiers.\(definition.name)]\n"
            for key in SettingKey.keys(ofTier: definition.name) {
                out += "# \(key.help) (env: \(key.environmentVariable))\n\(key.key) = \(tomlValue(key))\n"
            }
        }
        for (name, example) in Self.tierExamples where tiers.definitions.allSatisfy({ $0.name != name }) {
            out += "\n" + example
        }
        return out
    }

    /// Commented-out tiers `escalator init` shows: the other models of Claude Code 2.1.332's picker.
    static let tierExamples: [(String, String)] = [
        ("haiku", """
        # Another tier: Haiku 5.5 for questions the local model is unsure of but that need no more
        # (between local's and sonnet's min_p).
        # [tiers.haiku]
        # model = "haiku"
        # input_price = 0.1
        # output_price = 0.5
        # min_p = 0.45

        """),
        ("fable", """
        # The most capable model, Fable 5.2: min_p = 0 beside opus's 0 keeps it for `--tier fable`
        # (and for fallbacks above opus); give it a min_p above 0 and lower opus's to route to it.
        # [tiers.fable]
        # model = "fable"
        # input_price = 8.0
        # output_price = 40.0
        # min_p = 0.0

        """),
    ]
}
