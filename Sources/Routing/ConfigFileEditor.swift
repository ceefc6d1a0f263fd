import Foundation

/// Edits keys of the TOML config file in place, keeping every other line (other keys, other
/// sections, comments) as it is: used by `escalator tune --write-config`. The text edits are
/// pure (`applying`, `diff`); `update` writes the result through a validated temporary file, a
/// backup and a rename, so the file is never half-written.
public enum ConfigFileEditor {
    /// One key to set (`value` is TOML text such as `0.7`, `"platt"` or `[0.1, 0.2]`) or, with
    /// a nil value, to comment out.
    public struct Change: Sendable, Equatable {
        public var section: String
        public var key: String
        public var value: String?

        public init(section: String, key: String, value: String?) {
            self.section = section
            self.key = key
            self.value = value
        }

        /// A change of the dotted key `name` (`calibration.kind`, `tiers.local.min_p`: the key
        /// is the last part, the section the rest).
        public init(_ name: String, _ value: String?) {
            let parts = name.split(separator: ".").map(String.init)
            self.init(section: parts.dropLast().joined(separator: "."), key: parts.last ?? "", value: value)
        }
    }

    /// What `update` did.
    public struct Outcome: Sendable, Equatable {
        /// The unified-style diff of the lines that changed (empty when nothing changed).
        public var diff: String
        /// The backup of the previous file, when there was one and something changed.
        public var backup: String?
        /// True when the file did not exist and was created from the annotated template.
        public var created: Bool
    }

    // MARK: Text edits

    /// True when `text` sets the dotted key `name` on an active (not commented-out) line.
    public static func setsKey(_ name: String, in text: String) -> Bool {
        let change = Change(name, nil)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return sectionRanges(lines).contains { section in
            section.name == change.section && section.body.contains { keyName(ofActive: lines[$0]) == change.key }
        }
    }

    /// `text` with `changes` applied: an existing `key = ...` line in the section is replaced
    /// (keeping an inline comment), else a commented-out `# key =` placeholder is filled in,
    /// else the key is added at the end of its section (the section is appended if missing).
    /// A nil value comments the key out.
    public static func applying(_ changes: [Change], to text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let endsWithNewline = text.hasSuffix("\n")
        if endsWithNewline { lines.removeLast() }
        for change in changes {
            apply(change, to: &lines)
        }
        return lines.joined(separator: "\n") + (endsWithNewline || text.isEmpty ? "\n" : "")
    }

    private static func apply(_ change: Change, to lines: inout [String]) {
        let sections = sectionRanges(lines)
        let range = sections.last(where: { $0.name == change.section })?.body
        if let range {
            if let index = range.first(where: { keyName(ofActive: lines[$0]) == change.key }) {
                let end = valueEnd(lines, from: index)
                if let value = change.value {
                    let comment = inlineComment(lines[index...end].joined(separator: "\n"))
                    let indent = String(lines[index].prefix { $0 == " " || $0 == "\t" })
                    lines.replaceSubrange(index...end, with: ["\(indent)\(change.key) = \(value)" + (comment.map { " " + $0 } ?? "")])
                } else {
                    for i in index...end { lines[i] = "# " + lines[i] }
                }
                return
            }
            guard let value = change.value else { return }
            if let index = range.first(where: { keyName(ofPlaceholder: lines[$0]) == change.key }) {
                lines[index] = "\(change.key) = \(value)"
                return
            }
            var insertAt = range.upperBound
            while insertAt > range.lowerBound, lines[insertAt - 1].trimmingCharacters(in: .whitespaces).isEmpty { insertAt -= 1 }
            lines.insert("\(change.key) = \(value)", at: insertAt)
            return
        }
        guard let value = change.value else { return }
        if let last = lines.last, !last.trimmingCharacters(in: .whitespaces).isEmpty { lines.append("") }
        lines.append("[\(change.section)]")
        lines.append("\(change.key) = \(value)")
    }

    /// The `[section]` headers and the line ranges of their bodies (keys before the first
    /// header belong to no section and are never touched).
    static func sectionRanges(_ lines: [String]) -> [(name: String, body: Range<Int>)] {
        var headers: [(String, Int)] = []
        for (i, line) in lines.enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("["), !t.hasPrefix("[["), let close = t.firstIndex(of: "]") else { continue }
            let after = t[t.index(after: close)...].trimmingCharacters(in: .whitespaces)
            guard after.isEmpty || after.hasPrefix("#") else { continue }
            let name = t[t.index(after: t.startIndex)..<close].trimmingCharacters(in: .whitespaces)
            headers.append((name.replacingOccurrences(of: "\"", with: ""), i))
        }
        return headers.enumerated().map { n, header in
            let end = n + 1 < headers.count ? headers[n + 1].1 : lines.count
            return (header.0, (header.1 + 1)..<end)
        }
    }

    /// The key of a `key = value` line, or nil.
    static func keyName(ofActive line: String) -> String? {
        let t = line.trimmingCharacters(in: .whitespaces)
        guard !t.hasPrefix("#"), let eq = t.firstIndex(of: "=") else { return nil }
        let key = t[..<eq].trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : key.replacingOccurrences(of: "\"", with: "")
    }

    /// The key of a commented-out `# key =` placeholder line, or nil.
    static func keyName(ofPlaceholder line: String) -> String? {
        let t = line.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("#") else { return nil }
        let rest = t.drop { $0 == "#" || $0 == " " }
        guard let eq = rest.firstIndex(of: "=") else { return nil }
        let key = rest[..<eq].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else { return nil }
        return key
    }

    /// The last line of a value starting at `index` (a multi-line array runs to its `]`).
    static func valueEnd(_ lines: [String], from index: Int) -> Int {
        var depth = 0
        var i = index
        while i < lines.count {
            var inString = false
            for c in stripComment(lines[i]) {
                if c == "\"" { inString.toggle() }
                if inString { continue }
                if c == "[" { depth += 1 }
                if c == "]" { depth -= 1 }
            }
            if depth <= 0 { return i }
            i += 1
        }
        return index
    }

    /// The `# comment` at the end of a value, if any (a `#` inside a string does not count).
    static func inlineComment(_ text: String) -> String? {
        let code = stripComment(text)
        guard code.count < text.count else { return nil }
        return String(text.dropFirst(code.count)).trimmingCharacters(in: .whitespaces)
    }

    private static func stripComment(_ line: String) -> String {
        var inString = false
        var escaped = false
        for (offset, c) in line.enumerated() {
            if escaped { escaped = false; continue }
            if c == "\\" && inString { escaped = true; continue }
            if c == "\"" { inString.toggle() }
            if c == "#" && !inString { return String(line.prefix(offset)) }
        }
        return line
    }

    // MARK: Diff

    /// A unified-style diff (`---`/`+++` headers, `@@` hunks with `context` lines around each
    /// change) from `old` to `new`; empty when they are equal.
    public static func diff(old: String, new: String, name: String, context: Int = 2) -> String {
        guard old != new else { return "" }
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Longest common subsequence table, from the ends.
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        enum Op { case same(Int, Int), del(Int), add(Int) }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] { ops.append(.same(i, j)); i += 1; j += 1 }
            else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] { ops.append(.del(i)); i += 1 }
            else { ops.append(.add(j)); j += 1 }
        }
        let changed = ops.indices.filter { if case .same = ops[$0] { false } else { true } }
        var out = "--- \(name)\n+++ \(name) (new)\n"
        var k = 0
        while k < changed.count {
            let start = max(0, changed[k] - context)
            var end = min(ops.count - 1, changed[k] + context)
            var next = k + 1
            while next < changed.count, changed[next] - context <= end + 1 {
                end = min(ops.count - 1, changed[next] + context)
                next += 1
            }
            var oldStart: Int?, newStart: Int?, oldCount = 0, newCount = 0, body = ""
            for op in ops[start...end] {
                switch op {
                case let .same(x, y):
                    oldStart = oldStart ?? x; newStart = newStart ?? y
                    oldCount += 1; newCount += 1; body += " \(a[x])\n"
                case let .del(x):
                    oldStart = oldStart ?? x; oldCount += 1; body += "-\(a[x])\n"
                case let .add(y):
                    newStart = newStart ?? y; newCount += 1; body += "+\(b[y])\n"
                }
            }
            out += "@@ -\((oldStart ?? 0) + 1),\(oldCount) +\((newStart ?? 0) + 1),\(newCount) @@\n" + body
            k = next
        }
        return out
    }

    // MARK: Writing

    /// Applies `changes` to the config file at `path`: a missing file starts from `template`
    /// (e.g. `Settings.annotatedConfig()`), and the diff is then against that template. The new text is written to a temporary file beside
    /// it, checked with `Settings.load` (a file that would not load is never installed), the old
    /// file is kept as `<path>.bak`, and the temporary file is renamed over `path`.
    public static func update(path: String, changes: [Change], template: () -> String,
                              environment: [String: String]) throws -> Outcome {
        let fm = FileManager.default
        let existed = fm.fileExists(atPath: path)
        let old: String
        if existed {
            guard let data = fm.contents(atPath: path) else {
                throw RoutingError(problem: "cannot read config file \(path)", fix: "check its permissions, or pass another file with --config")
            }
            old = String(decoding: data, as: UTF8.self)
        } else {
            old = template()
        }
        let new = applying(changes, to: old)
        let diffText = diff(old: old, new: new, name: path)
        if existed && old == new { return Outcome(diff: "", backup: nil, created: false) }

        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw RoutingError(problem: "cannot create the folder \(dir) for the config file", fix: "create it, or pass another file with --config")
        }
        let temp = (dir as NSString).appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        defer { try? fm.removeItem(atPath: temp) }
        let permissions = (try? fm.attributesOfItem(atPath: path)[.posixPermissions]) ?? nil
        guard fm.createFile(atPath: temp, contents: Data(new.utf8), attributes: permissions.map { [.posixPermissions: $0] }) else {
            throw RoutingError(problem: "cannot write \(temp)", fix: "check the permissions of \(dir), or pass another file with --config")
        }
        // The file must load on its own (environment overrides of the caller are left out).
        var plain = environment.filter { !$0.key.hasPrefix("ESCALATOR_") }
        plain.removeValue(forKey: "ESCALATOR_CONFIG")
        do {
            _ = try Settings.load(configFile: temp, environment: plain)
        } catch let error as RoutingError {
            throw RoutingError(problem: "the updated config would not load (\(error.problem)); \(path) was left unchanged", fix: error.fix)
        }
        var backup: String?
        if existed {
            let bak = path + ".bak"
            let bakTemp = bak + ".tmp-\(getpid())"
            defer { try? fm.removeItem(atPath: bakTemp) }
            guard fm.createFile(atPath: bakTemp, contents: Data(old.utf8), attributes: permissions.map { [.posixPermissions: $0] }),
                  rename(bakTemp, bak) == 0 else {
                throw RoutingError(problem: "cannot write the backup \(bak); \(path) was left unchanged", fix: "check the permissions of \(dir)")
            }
            backup = bak
        }
        guard rename(temp, path) == 0 else {
            throw RoutingError(problem: "cannot replace \(path): \(String(cString: strerror(errno)))", fix: "check the permissions of \(dir)")
        }
        return Outcome(diff: diffText, backup: backup, created: !existed)
    }
}
