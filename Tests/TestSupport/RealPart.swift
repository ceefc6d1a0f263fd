import Foundation

/// The rule for integration tests that need a real part (llama-server, sshd, tmux, a model file).
///
/// Outside CI a test whose part is missing is skipped; in CI (`CI=true`) it runs anyway and
/// fails loudly, because CI installs everything and a missing part there is a setup bug.
public enum RealPart {
    /// True when running under CI, where missing parts must fail instead of skip.
    public static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"]?.lowercased()
        return value == "true" || value == "1"
    }

    /// Whether a test needing `available` should run: always in CI, else only when available.
    public static func shouldRun(_ available: Bool) -> Bool { isCI || available }

    /// The absolute path of an executable found on `PATH` (or in `extraDirectories`), if any.
    public static func executable(_ name: String, extraDirectories: [String] = []) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let dirs = extraDirectories + path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        for dir in dirs {
            let candidate = (dir as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Thrown by fixtures when a real part is missing; the message says how to install it.
    public struct Missing: Error, CustomStringConvertible {
        public var part: String
        public var fix: String
        public init(part: String, fix: String) { self.part = part; self.fix = fix }
        public var description: String { "real part missing: \(part) — \(fix)" }
    }
}
