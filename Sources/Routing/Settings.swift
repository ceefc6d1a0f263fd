import Foundation

/// Everything escalator can be configured with. Values come from built-in defaults, then the
/// config file (TOML), then `ESCALATOR_<SECTION>_<KEY>` environment variables, then flags;
/// each later source overrides the earlier ones. See ``SettingKey`` for every key.
public struct Settings: Sendable, Equatable {
    /// The local model: llama-server's URL, or the model escalator starts a server for.
    public struct Local: Sendable, Equatable {
        public var url = "http://127.0.0.1:8080"
        /// `auto`: start llama-server with `model` when nothing answers at `url`; `never`: don't.
        public var managed = "auto"
        public var model = ""
        public var server = ""
        public var context = 8192
        public var parallel = 4
        public var swaFull = "auto"
        public var connectTimeoutMs = 1000
        public var requestTimeoutMs = 120_000
        public var startTimeoutS = 120
        public var answerMaxTokens = 256
        public var apiKey = ""
    }

    /// How questions are self-assessed.
    public struct AssessmentSettings: Sendable, Equatable {
        public var strategy = "digit-scale"
        public var promptsDir = ""
    }

    /// Where escalated questions go: a tmux session per tier running a terminal agent, on this
    /// machine (`transport = local`) or on a host reached over SSH.
    public struct Remote: Sendable, Equatable {
        public var transport = "local"
        public var host = ""
        public var user = ""
        public var port = 22
        public var identityFile = ""
        public var knownHosts = ""
        public var tmuxSocket = "escalator"
        public var agent = "claude-code"
        public var command = "claude"
        public var permission = "deny"
        public var trust = "accept"
        public var clear = "true"
        public var readCost = "false"
        public var answerTimeoutS = 600
        public var sonnetModel = "sonnet"
        public var opusModel = "opus"
        public var sessionPrefix = "escalator-"
    }

    public var local = Local()
    public var remote = Remote()
    public var assessment = AssessmentSettings()
    public var calibration = Calibration.identity
    public var thresholds = Thresholds()
    /// The files escalator uses (from the environment, not the config file).
    public var paths: Paths
    /// Where the settings came from, for `doctor` and messages.
    public var configFile: String?

    /// Built-in defaults for `paths`.
    public init(paths: Paths) {
        self.paths = paths
        local.model = paths.defaultModel
    }

    /// Checks values that only make sense together.
    public func validate() throws {
        try thresholds.validate()
        try calibration.validate()
        _ = try AssessmentStrategies.named(assessment.strategy)
    }
}
