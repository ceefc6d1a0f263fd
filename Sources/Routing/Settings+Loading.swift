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

        let file = explicitFile ?? environment["ESCALATOR_CONFIG"]
        if let file {
            guard FileManager.default.fileExists(atPath: file) else {
                throw RoutingError(problem: "config file \(file) does not exist",
                                   fix: "create it with `escalator init --config \(file)` or drop --config")
            }
            try settings.apply(configFile: file)
        } else if FileManager.default.fileExists(atPath: paths.configFile) {
            try settings.apply(configFile: paths.configFile)
        }

        for key in SettingKey.all {
            if let value = environment[key.environmentVariable] {
                do { try key.set(&settings, value) } catch let error as RoutingError {
                    throw RoutingError(problem: "\(key.environmentVariable): \(error.problem)", fix: error.fix)
                }
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

    /// The value of `key` rendered as TOML (strings quoted, numeric lists as arrays).
    func tomlValue(_ key: SettingKey) -> String {
        let text = key.get(self)
        switch key.name {
        case "calibration.x", "calibration.y": return "[\(text.split(separator: ",").joined(separator: ", "))]"
        default: break
        }
        if Int(text) != nil || (Double(text) != nil && key.section != "local") { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// An annotated TOML config holding these settings: every key with its explanation, keys
    /// that do not apply (e.g. Platt parameters under identity calibration) commented out.
    public func annotatedConfig() -> String {
        var out = """
        # Escalator configuration (TOML). Written by `escalator init`.
        # Precedence: built-in defaults < this file < ESCALATOR_<SECTION>_<KEY> environment variables < flags.
        # Every key is optional; delete a line to get the default back.

        """
        var section = ""
        for key in SettingKey.all {
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
        return out
    }
}
