import Foundation

/// The settings ``SSHConnection`` takes from `~/.ssh/config` for one host.
public struct SSHHostSettings: Sendable, Equatable {
    /// The name the user typed (an alias or a real host name).
    public var alias: String
    /// The `HostName` to connect to, or nil to use the alias itself.
    public var hostName: String?
    /// The `User`, or nil.
    public var user: String?
    /// The `Port`, or nil.
    public var port: Int?
    /// The `IdentityFile` paths in order, with `~` and `%d`/`%h`/`%r`/`%u` expanded.
    public var identityFiles: [String]

    public init(alias: String, hostName: String? = nil, user: String? = nil, port: Int? = nil, identityFiles: [String] = []) {
        self.alias = alias
        self.hostName = hostName
        self.user = user
        self.port = port
        self.identityFiles = identityFiles
    }
}

/// A small parser for OpenSSH client config files, covering `Host` blocks and the `HostName`,
/// `User`, `Port` and `IdentityFile` keywords.
///
/// Follows ssh_config(5): keywords are case-insensitive, `Keyword value` and `Keyword=value` both
/// work, values may be double-quoted, the first value obtained for a keyword wins (IdentityFile
/// accumulates), `Host` patterns use `*` and `?` and `!` negation. `Match` blocks and `Include`
/// are not supported; a `Match` block's lines are ignored.
public struct SSHConfigFile: Sendable, Equatable {
    /// One `Host` block: its patterns and its keyword/value pairs in file order.
    public struct Block: Sendable, Equatable {
        public var patterns: [String]
        public var options: [Option]
    }

    /// One keyword (lower-cased) and its value.
    public struct Option: Sendable, Equatable {
        public var keyword: String
        public var value: String
    }

    /// The blocks in file order; lines before the first `Host` form a block with pattern `*`.
    public var blocks: [Block]

    /// Parses config text.
    public init(parsing text: String) {
        var blocks: [Block] = [Block(patterns: ["*"], options: [])]
        var inMatch = false
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let (keyword, value) = Self.split(line) else { continue }
            switch keyword {
            case "host":
                inMatch = false
                blocks.append(Block(patterns: Self.words(value), options: []))
            case "match":
                inMatch = true
            default:
                if !inMatch { blocks[blocks.count - 1].options.append(Option(keyword: keyword, value: Self.unquote(value))) }
            }
        }
        self.blocks = blocks
    }

    /// Reads and parses the file at `path`; a missing file gives an empty config.
    /// - Throws: ``RemoteError`` with code `configFailed` when the file exists but cannot be read.
    public static func load(path: String) throws(RemoteError) -> SSHConfigFile {
        guard FileManager.default.fileExists(atPath: path) else { return SSHConfigFile(parsing: "") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RemoteError(.configFailed, call: "read", message: "cannot read ssh config \(path); check its permissions")
        }
        return SSHConfigFile(parsing: String(decoding: data, as: UTF8.self))
    }

    /// The settings for `host`.
    /// - Parameters:
    ///   - host: The name the user typed.
    ///   - homeDirectory: Used to expand `~` and `%d` in IdentityFile.
    ///   - localUser: Used to expand `%u`.
    public func settings(for host: String, homeDirectory: String, localUser: String = "") -> SSHHostSettings {
        var result = SSHHostSettings(alias: host)
        for block in blocks where Self.matches(host: host, patterns: block.patterns) {
            for option in block.options {
                switch option.keyword {
                case "hostname" where result.hostName == nil:
                    result.hostName = option.value.replacingOccurrences(of: "%h", with: host)
                case "user" where result.user == nil:
                    result.user = option.value
                case "port" where result.port == nil:
                    result.port = Int(option.value)
                case "identityfile":
                    result.identityFiles.append(option.value)
                default:
                    break
                }
            }
        }
        let remoteUser = result.user ?? localUser
        let realHost = result.hostName ?? host
        result.identityFiles = result.identityFiles.map {
            Self.expand($0, home: homeDirectory, host: realHost, remoteUser: remoteUser, localUser: localUser)
        }
        return result
    }

    /// Whether `host` matches a `Host` line's patterns (any positive match and no negated match).
    public static func matches(host: String, patterns: [String]) -> Bool {
        let name = host.lowercased()
        var matched = false
        for pattern in patterns {
            if pattern.hasPrefix("!") {
                if glob(String(pattern.dropFirst()).lowercased(), name) { return false }
            } else if glob(pattern.lowercased(), name) {
                matched = true
            }
        }
        return matched
    }

    /// Wildcard match with `*` (any run) and `?` (one character).
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) { pi += 1; ti += 1 }
            else if pi < p.count && p[pi] == "*" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    private static func split(_ line: String) -> (String, String)? {
        guard let end = line.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "=" }) else { return nil }
        let keyword = line[..<end].lowercased()
        var rest = line[end...].drop(while: { $0 == " " || $0 == "\t" })
        if rest.first == "=" { rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" }) }
        let value = rest.trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : (keyword, value)
    }

    private static func words(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map { unquote(String($0)) }
    }

    private static func unquote(_ value: String) -> String {
        if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") { return String(value.dropFirst().dropLast()) }
        return value
    }

    private static func expand(_ path: String, home: String, host: String, remoteUser: String, localUser: String) -> String {
        var out = ""
        var chars = path[...]
        if chars.hasPrefix("~/") || chars == "~" { out = home; chars = chars.dropFirst() }
        var iterator = chars.makeIterator()
        while let c = iterator.next() {
            guard c == "%" else { out.append(c); continue }
            switch iterator.next() {
            case "d": out += home
            case "h": out += host
            case "r": out += remoteUser
            case "u": out += localUser
            case "%": out += "%"
            case let other?: out += "%" + String(other)
            case nil: out += "%"
            }
        }
        return out
    }
}
