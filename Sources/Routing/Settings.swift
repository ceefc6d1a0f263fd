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
        /// The router file of `embedding-logistic`, `embedding-knn` and `combined`; empty =
        /// `$XDG_DATA_HOME/escalator/router.json`.
        public var router = ""
        /// What `answer-logprob` turns into P(local correct): the answer's mean or minimum token
        /// probability (geometric mean, or the least likely token).
        public var confidence = "mean"
    }

    /// Where question embeddings come from (the learned routers' features): a llama-server
    /// started with `--embeddings`, by default a second managed instance of the local model.
    public struct EmbeddingSettings: Sendable, Equatable {
        /// A running llama-server that serves `/v1/embeddings`; empty = escalator starts and
        /// reuses its own (`--embeddings --pooling POOLING`, beside the answering server).
        public var url = ""
        /// GGUF for the managed embedding server; empty = the local model.
        public var model = ""
        public var pooling = "mean"
        public var context = 8192
        public var parallel = 2
        /// Questions per `/v1/embeddings` request.
        public var batch = 16
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
        public var directory = ""
        public var permission = "deny"
        public var trust = "accept"
        public var permissionMode = "manual"
        public var apiRetriesWatched = 3
        public var clear = "true"
        public var readCost = "false"
        public var answerTimeoutS = 600
        public var sonnetModel = "sonnet"
        public var opusModel = "opus"
        public var sessionPrefix = "escalator-"
    }

    /// What each tier costs, in US dollars per million tokens (see ``TierPrice``).
    public struct Prices: Sendable, Equatable {
        public var localInput = 0.0
        public var localOutput = 0.0
        // Anthropic's list prices as of 2025-11 (anthropic.com/pricing): Claude Sonnet 4.5
        // $3 / $15, Claude Opus 4.5 $5 / $25 per million input / output tokens.
        public var sonnetInput = 3.0
        public var sonnetOutput = 15.0
        public var opusInput = 5.0
        public var opusOutput = 25.0

        public init() {}

        /// The price of `tier` (unknown tiers cost what the top tier costs).
        public func price(of tier: Tier) -> TierPrice {
            switch tier.name {
            case Tier.local.name: TierPrice(inputPerMillion: localInput, outputPerMillion: localOutput)
            case Tier.sonnet.name: TierPrice(inputPerMillion: sonnetInput, outputPerMillion: sonnetOutput)
            default: TierPrice(inputPerMillion: opusInput, outputPerMillion: opusOutput)
            }
        }
    }

    /// Routing choices beyond the thresholds: the tier bounds, where unassessed questions go, and
    /// the answer length assumed before an answer exists (for cost estimates and batch budgets).
    public struct RoutingSettings: Sendable, Equatable {
        public var defaultTier = "sonnet"
        public var minTier = "local"
        public var maxTier = "opus"
        public var expectedAnswerTokens = 800
        public var retries = 1

        public init() {}
    }

    public var local = Local()
    public var remote = Remote()
    public var assessment = AssessmentSettings()
    public var embedding = EmbeddingSettings()
    public var calibration = Calibration.identity
    public var thresholds = Thresholds()
    public var prices = Prices()
    public var routing = RoutingSettings()
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
        try bounds.validate()
    }

    /// The router file the learned strategies read: `[assessment] router`, else
    /// `router.json` in escalator's data folder.
    public var routerFile: String {
        assessment.router.isEmpty ? (paths.data as NSString).appendingPathComponent("router.json") : assessment.router
    }

    /// The tier bounds of `[routing]`.
    public var bounds: TierBounds {
        TierBounds(min: (try? Tier.named(routing.minTier)) ?? .local, max: (try? Tier.named(routing.maxTier)) ?? .opus)
    }

    /// The policy these settings describe.
    public var policy: Policy {
        Policy(thresholds: thresholds, defaultTier: (try? Tier.named(routing.defaultTier)) ?? .sonnet)
    }
}
