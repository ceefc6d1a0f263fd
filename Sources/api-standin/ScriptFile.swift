import Foundation

/// The `--script` file, re-read whenever its modification time or size changes, so a test can
/// change the stand-in's behaviour between turns by rewriting it atomically (write + rename).
/// A missing file means ``StandinScript/builtIn``.
struct ScriptFile: Sendable {
    let path: String

    /// What identifies one version of the file: nil when it does not exist.
    struct Signature: Sendable, Equatable {
        var modified: Date
        var size: Int
        var inode: Int
    }

    /// The current signature (one `stat`), so callers re-read only when it changed.
    func signature() -> Signature? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return Signature(modified: attributes[.modificationDate] as? Date ?? .distantPast,
                         size: (attributes[.size] as? NSNumber)?.intValue ?? 0,
                         inode: (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? 0)
    }

    /// Reads and decodes the file (the built-in script when it is missing) and compiles its regexes.
    func load() throws(ScriptError) -> CompiledScript {
        guard FileManager.default.fileExists(atPath: path) else { return try CompiledScript(.builtIn, path: path) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ScriptError(path: path, reason: "cannot read it: \(error.localizedDescription)")
        }
        let script: StandinScript
        do {
            script = try JSONDecoder().decode(StandinScript.self, from: data)
        } catch let error as DecodingError {
            throw ScriptError(path: path, reason: BadRequest.describe(error))
        } catch {
            throw ScriptError(path: path, reason: "\(error)")
        }
        return try CompiledScript(script, path: path)
    }
}

/// A script with its regexes compiled, ready for matching.
struct CompiledScript: Sendable {
    var script: StandinScript
    var regexes: [Int: Pattern]

    init(_ script: StandinScript, path: String) throws(ScriptError) {
        self.script = script
        var regexes: [Int: Pattern] = [:]
        for (index, rule) in script.rules.enumerated() {
            if let source = rule.regex {
                do {
                    regexes[index] = Pattern(try NSRegularExpression(pattern: source))
                } catch {
                    throw ScriptError(path: path, reason: "rules[\(index)].regex \(source.debugDescription) is not a valid regular expression")
                }
            }
            if let times = rule.times, times < 0 {
                throw ScriptError(path: path, reason: "rules[\(index)].times must be 0 or more")
            }
            if let status = rule.status, !(400...599).contains(status) {
                throw ScriptError(path: path, reason: "rules[\(index)].status \(status) is not an HTTP error status (400-599)")
            }
        }
        self.regexes = regexes
    }

    /// Whether rule `index` (ignoring `times`) applies to a request with this last user text and model.
    func matches(_ index: Int, text: String?, model: String?) -> Bool {
        let rule = script.rules[index]
        if let wanted = rule.model, wanted != model { return false }
        if let needle = rule.match {
            guard let text, text.contains(needle) else { return false }
        }
        if let pattern = regexes[index] {
            guard let text, pattern.matches(text) else { return false }
        }
        return true
    }

    /// A compiled `NSRegularExpression`. It is immutable after creation and documented as safe to
    /// use from several threads, which is why this wrapper may be `Sendable`.
    struct Pattern: @unchecked Sendable {
        let expression: NSRegularExpression
        init(_ expression: NSRegularExpression) { self.expression = expression }

        func matches(_ text: String) -> Bool {
            expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
    }
}

/// The script file exists but cannot be used.
struct ScriptError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "script \(path): \(reason)" }
}
