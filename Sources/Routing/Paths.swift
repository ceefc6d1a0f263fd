import Foundation

/// Where escalator keeps its files, following the XDG base-directory convention:
/// config under `$XDG_CONFIG_HOME/escalator`, state (the managed llama-server) under
/// `$XDG_STATE_HOME/escalator`, data under `$XDG_DATA_HOME/escalator`, caches (the default
/// model) under `$XDG_CACHE_HOME/escalator`.
public struct Paths: Sendable, Equatable {
    public var config: String
    public var state: String
    public var data: String
    public var cache: String

    public init(environment: [String: String]) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        func base(_ variable: String, _ fallback: String) -> String {
            if let value = environment[variable], value.hasPrefix("/") { return value }
            return (home as NSString).appendingPathComponent(fallback)
        }
        config = (base("XDG_CONFIG_HOME", ".config") as NSString).appendingPathComponent("escalator")
        state = (base("XDG_STATE_HOME", ".local/state") as NSString).appendingPathComponent("escalator")
        data = (base("XDG_DATA_HOME", ".local/share") as NSString).appendingPathComponent("escalator")
        cache = (base("XDG_CACHE_HOME", ".cache") as NSString).appendingPathComponent("escalator")
    }

    /// The default config file.
    public var configFile: String { (config as NSString).appendingPathComponent("config.toml") }

    /// The config file a command reads or writes (`load`, `init`, `tune --write-config`):
    /// `--config FILE`, else `$ESCALATOR_CONFIG`, else the default. `named` is true for the first
    /// two: a named file must exist to be read, the default one is skipped when missing.
    public func configFile(explicit: String?, environment: [String: String]) -> (path: String, named: Bool) {
        if let named = explicit ?? environment["ESCALATOR_CONFIG"] { return (named, true) }
        return (configFile, false)
    }
    /// Model prices read from agents' pickers, per agent version.
    public var agentPrices: String { (state as NSString).appendingPathComponent("agent-prices.json") }
    /// The small default model that `make setup` installs.
    public var defaultModel: String { (cache as NSString).appendingPathComponent("models/gemma-3-270m-q4_k_m.gguf") }
    /// Where `make setup` links the llama-server it built.
    public var defaultServer: String { (cache as NSString).appendingPathComponent("bin/llama-server") }
    /// The Claude Code CLI `make setup` links (from PyPI's claude-agent-sdk wheel).
    public var defaultAgent: String { (cache as NSString).appendingPathComponent("bin/claude") }
}

/// Expands a leading `~/` to the home directory.
func expandingTilde(_ path: String, home: String) -> String {
    path.hasPrefix("~/") ? (home as NSString).appendingPathComponent(String(path.dropFirst(2))) : path
}
