import Agents
import Foundation

/// Everything escalator can be configured with. Values come from built-in defaults, then the
/// config file (TOML), then `ESCALATOR_<SECTION>_<KEY>` environment variables, then flags;
/// each later source overrides the earlier ones. See ``SettingKey`` for every key.
public struct Settings: Sendable, Equatable {
    /// The local model: llama-server's URL, or the model escalator starts a server for.
    public struct Local: Sendable, Equatable {
        public var url = "http://127.0.0.1:8080"
        /// Whether escalator starts llama-server itself when nothing answers at `url`.
        public enum Managed: String, Sendable, CaseIterable {
            /// Start llama-server with `model` (loopback, a free port, reused later).
            case auto
            /// Fail instead.
            case never
        }

        /// Whether the managed server gets `--swa-full` (the prompt cache of sliding-window models).
        public enum SWAFull: String, Sendable, CaseIterable {
            /// For Gemma models.
            case auto
            case on = "true"
            case off = "false"

            /// The flag's value, nil = decided from the model.
            public var flag: Bool? { self == .auto ? nil : self == .on }
        }

        public var managed = Managed.auto
        public var model = ""
        public var server = ""
        public var context = 8192
        public var parallel = 4
        public var swaFull = SWAFull.auto
        public var connectTimeoutMs = 1000
        public var requestTimeoutMs = 120_000
        public var startTimeoutS = 120
        public var answerMaxTokens = 256
        public var apiKey = ""
    }

    /// How questions are self-assessed.
    public struct AssessmentSettings: Sendable, Equatable {
        /// What `answer-logprob` turns into P(local correct).
        public enum Confidence: String, Sendable, CaseIterable {
            /// The geometric-mean token probability.
            case mean
            /// The least likely token's probability.
            case min
        }

        /// Which self-assessment strategy rates questions (``AssessmentStrategies``).
        public enum Strategy: String, Sendable, CaseIterable, CustomStringConvertible {
            /// A 1-9 difficulty digit (``DigitScaleStrategy``).
            case digitScale = "digit-scale"
            /// " Yes" or " No" to "can you answer this?" (``YesNoStrategy``).
            case yesNo = "yes-no"
            /// A logistic head on the question's embedding (`escalator router train`).
            case embeddingLogistic = "embedding-logistic"
            /// Nearest neighbours of the question's embedding.
            case embeddingKNN = "embedding-knn"
            /// The local answer's token confidence (a cascade: the question is answered first).
            case answerLogprob = "answer-logprob"
            /// A combination of the above (`escalator router train --features`).
            case combined

            /// A learned strategy (``LearnedAssessmentStrategy``), not a one-token prompt.
            public var isLearned: Bool { ![.digitScale, .yesNo].contains(self) }
            /// Reads the question's embedding, so an embeddings server is needed.
            public var needsEmbeddings: Bool { [.embeddingLogistic, .embeddingKNN, .combined].contains(self) }
            /// The config name.
            public var description: String { rawValue }
        }

        public var strategy = Strategy.digitScale
        public var promptsDir = ""
        /// The router file of `embedding-logistic`, `embedding-knn` and `combined`; empty =
        /// `$XDG_DATA_HOME/escalator/router.json`.
        public var router = ""
        /// What `answer-logprob` turns into P(local correct): the answer's mean or minimum token
        /// probability (geometric mean, or the least likely token).
        public var confidence = Confidence.mean
    }

    /// Where question embeddings come from (the learned routers' features): a llama-server
    /// started with `--embeddings`, by default a second managed instance of the local model.
    public struct EmbeddingSettings: Sendable, Equatable {
        /// The managed embedding server's `--pooling`.
        public enum Pooling: String, Sendable, CaseIterable { case mean, cls, last }

        /// A running llama-server that serves `/v1/embeddings`; empty = escalator starts and
        /// reuses its own (`--embeddings --pooling POOLING`, beside the answering server).
        public var url = ""
        /// GGUF for the managed embedding server; empty = the local model.
        public var model = ""
        public var pooling = Pooling.mean
        public var context = 8192
        public var parallel = 2
        /// Questions per `/v1/embeddings` request.
        public var batch = 16
    }

    /// Where escalated questions go: a tmux session per tier running a terminal agent, on this
    /// machine (`transport = local`) or on a host reached over SSH.
    public struct Remote: Sendable, Equatable {
        /// Where the agent's tmux runs.
        public enum Transport: String, Sendable, CaseIterable {
            /// This machine, no SSH.
            case local
            /// `host`, over one persistent SSH connection.
            case ssh
        }

        /// How the agent's screen is read.
        public enum Agent: String, Sendable, CaseIterable {
            /// Claude Code's screens (``ClaudeCodeProfile``).
            case claudeCode = "claude-code"
            /// Any REPL that ends its answer with a marker line (``MarkerProfile``).
            case marker
        }

        public var transport = Transport.local
        public var host = ""
        public var user = ""
        public var port = 22
        public var identityFile = ""
        public var knownHosts = ""
        public var tmuxSocket = "escalator"
        public var agent = Agent.claudeCode
        public var command = AgentCommandLine.claude
        public var directory = ""
        public var permission = AgentPolicy.Permission.deny
        public var trust = AgentPolicy.Trust.accept
        public var permissionMode = AgentPolicy.PermissionMode.manual
        public var apiRetriesWatched = 3
        /// Send `/clear` before each question.
        public var clear = true
        /// Read `/cost` before and after each question.
        public var readCost = false
        public var hooks = true
        public var answerTimeoutS = 600
        public var sessionPrefix = "escalator-"
        /// How long a usage-limited tier is parked when its message names no readable reset time.
        public var limitParkMinutes = 60
        /// The agent host's zone (`remote.time_zone`); nil = this machine's for the local
        /// transport; over SSH the driver reads it on the host when it needs it (see
        /// ``agentHostTimeZone``).
        public var timeZone: TimeZone?

        /// The zone the agent's clock runs in, when known: `time_zone`, else this machine's when
        /// the agent runs here.
        public var agentHostTimeZone: TimeZone? {
            timeZone ?? (transport == .local ? TimeZone.current : nil)
        }
    }

    /// Routing choices beyond the tiers' min_p: the tier bounds, where unassessed questions go,
    /// and the answer length assumed before an answer exists (for cost estimates and batch
    /// budgets). Tier names are checked against `tiers` when the settings are loaded.
    public struct RoutingSettings: Sendable, Equatable {
        public var defaultTier = "sonnet"
        /// Empty = the cheapest tier.
        public var minTier = ""
        /// Empty = the dearest tier.
        public var maxTier = ""
        public var expectedAnswerTokens = 800
        public var retries = 1

        public init() {}
    }

    public var local = Local()
    public var remote = Remote()
    public var assessment = AssessmentSettings()
    public var embedding = EmbeddingSettings()
    public var calibration = Calibration.identity
    /// The tiers, cheapest first, with their models, prices and min_p (`[tiers.NAME]`).
    public var tiers = TierTable.defaults
    public var routing = RoutingSettings()
    /// `escalator serve`: where it listens, how many requests it answers at once and queues, and its keys.
    public struct Serve: Sendable, Equatable {
        public var host = "127.0.0.1"
        public var port = 8765
        public var concurrency = 2
        public var queue = 8
        public var keys: [ServeKey] = []

        public init() {}
    }
    public var serve = Serve()
    /// The files escalator uses (from the environment, not the config file).
    public var paths: Paths
    /// Where the settings came from, for `doctor` and messages.
    public var configFile: String?

    /// Built-in defaults for `paths`.
    public init(paths: Paths) {
        self.paths = paths
        local.model = paths.defaultModel
    }

    /// Checks values that only make sense together: complete tiers, known tier names, bounds in
    /// order and a valid calibration.
    public func validate() throws {
        try tiers.validate()
        try calibration.validate()
        _ = try policy()
        try bounds().validate(order: tiers)
    }

    /// The router file the learned strategies read: `[assessment] router`, else
    /// `router.json` in escalator's data folder.
    public var routerFile: String {
        assessment.router.isEmpty ? (paths.data as NSString).appendingPathComponent("router.json") : assessment.router
    }

    /// The tier bounds of `[routing]` (empty = the cheapest / dearest tier).
    public func bounds() throws -> TierBounds {
        TierBounds(min: routing.minTier.isEmpty ? tiers.cheapest : try tier("routing.min_tier", routing.minTier),
                   max: routing.maxTier.isEmpty ? tiers.dearest : try tier("routing.max_tier", routing.maxTier))
    }

    /// The policy these settings describe.
    public func policy() throws -> TierPolicy {
        TierPolicy(table: tiers, defaultTier: try tier("routing.default_tier", routing.defaultTier))
    }

    private func tier(_ key: String, _ name: String) throws -> Tier {
        do { return try tiers.tier(named: name) } catch let error as RoutingError {
            throw RoutingError(problem: "\(key) = \"\(name)\": \(error.problem)", fix: error.fix)
        }
    }
}
