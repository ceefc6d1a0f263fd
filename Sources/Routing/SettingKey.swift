import Foundation

/// One configurable key: its dotted name (`thresholds.local_min`), what it means, and how to
/// read and set it from text. The config file, environment variables, flags and the annotated
/// file written by `escalator init` all go through this one table.
public struct SettingKey: Sendable {
    public var name: String
    public var help: String
    let get: @Sendable (Settings) -> String
    let set: @Sendable (inout Settings, String) throws -> Void

    /// The section (`local`) and key (`url`) of the dotted name.
    public var section: String { String(name.split(separator: ".")[0]) }
    public var key: String { String(name.split(separator: ".")[1]) }
    /// The environment variable that overrides this key, e.g. `ESCALATOR_LOCAL_URL`.
    public var environmentVariable: String { "ESCALATOR_\(section.uppercased())_\(key.uppercased())" }

    /// Every key escalator knows.
    public static let all: [SettingKey] = [
        text("local.url", "URL of a running llama-server. If nothing answers there, escalator starts one itself (see managed).",
             \.local.url),
        choice("local.managed", ["auto", "never"],
               "auto: start llama-server with `model` when nothing answers at `url` (loopback, a free port, reused later); never: fail instead.",
               \.local.managed),
        text("local.model", "GGUF model file for the llama-server escalator starts. `make setup` installs a small default.", \.local.model),
        text("local.server", "The llama-server executable; empty = the one `make setup` built, then llama-server on PATH.", \.local.server),
        int("local.context", 256...1_048_576, "Total context (tokens) of the managed server; each parallel slot gets context / parallel.", \.local.context),
        int("local.parallel", 1...64, "Parallel slots (-np) of the managed server.", \.local.parallel),
        choice("local.swa_full", ["auto", "true", "false"],
               "Pass --swa-full so the prompt cache works with sliding-window models (Gemma); auto = for Gemma models.", \.local.swaFull),
        int("local.connect_timeout_ms", 1...600_000, "How long to wait for llama-server's TCP connection.", \.local.connectTimeoutMs),
        int("local.request_timeout_ms", 0...86_400_000, "Upper bound for one request to llama-server (0 = none).", \.local.requestTimeoutMs),
        int("local.start_timeout_s", 1...3600, "How long to wait for a managed llama-server to load its model.", \.local.startTimeoutS),
        int("local.answer_max_tokens", 1...32_768, "Most tokens a local answer may have.", \.local.answerMaxTokens),
        text("local.api_key", "Sent as a bearer token when llama-server runs with --api-key.", \.local.apiKey),
        choice("remote.transport", ["local", "ssh"],
               "Where the agent's tmux runs: local (this machine, no SSH) or ssh (remote.host).", \.remote.transport),
        text("remote.host", "SSH host name or ~/.ssh/config alias (HostName, User, Port, IdentityFile are honoured).", \.remote.host),
        text("remote.user", "SSH user; empty = from ~/.ssh/config, else $USER.", \.remote.user),
        int("remote.port", 1...65535, "SSH port (a ~/.ssh/config Port wins when this is 22).", \.remote.port),
        text("remote.identity_file", "ed25519/ECDSA private key; empty = ~/.ssh/config IdentityFile, then ssh-agent, then ~/.ssh/id_ed25519.",
             \.remote.identityFile),
        text("remote.known_hosts", "Project-managed known_hosts (checked after ~/.ssh/known_hosts); `escalator trust-host` adds to it.",
             \.remote.knownHosts),
        text("remote.tmux_socket", "tmux socket name (-L) on the agent's machine.", \.remote.tmuxSocket),
        choice("remote.agent", ["claude-code", "marker"],
               "How the agent's screen is read: claude-code, or marker (any REPL: the answer ends with a marker line).", \.remote.agent),
        SettingKey(name: "remote.command",
                   help: "The command that starts the agent in a new tmux session (e.g. claude); words split as a shell would, no shell runs it.",
                   get: { $0.remote.command },
                   set: { s, v in
                       guard let words = try? CommandLineWords.split(v), !words.isEmpty else {
                           throw invalid("remote.command", v, "a command line with balanced quotes, e.g. claude or \"/opt/claude/bin/claude\" --verbose")
                       }
                       s.remote.command = v
                   }),
        text("remote.directory", "Folder the agent starts in (its workspace: Claude Code's trust dialog asks about it); empty = where tmux starts.",
             \.remote.directory),
        choice("remote.permission", ["deny", "approve", "stop"],
               "Tool-permission prompts: deny (answer No), approve (answer Yes), stop (leave it for a person, fail the question).",
               \.remote.permission),
        choice("remote.trust", ["accept", "decline", "stop"],
               "The folder-trust dialog at start-up: accept it, decline it (the agent exits; the question fails), or stop (leave it for a person).",
               \.remote.trust),
        choice("remote.permission_mode", ["manual", "auto"],
               "The agent's permission mode: manual (it asks before each tool and `permission` answers), auto (Claude Code decides itself).",
               \.remote.permissionMode),
        int("remote.api_retries_watched", 0...10,
            "How many of the agent's own API retries (429, 529, connection refused) to watch before giving up on the tier.",
            \.remote.apiRetriesWatched),
        choice("remote.clear", ["true", "false"], "Send /clear before each question (unrelated questions share no context).",
               \.remote.clear),
        choice("remote.read_cost", ["true", "false"],
               "Read the agent's /cost before and after each question and record the difference as the question's cost.",
               \.remote.readCost),
        int("remote.answer_timeout_s", 1...86_400, "How long one escalated answer may take.", \.remote.answerTimeoutS),
        text("remote.sonnet_model", "Model alias for the sonnet tier (/model ALIAS).", \.remote.sonnetModel),
        text("remote.opus_model", "Model alias for the opus tier.", \.remote.opusModel),
        text("remote.session_prefix", "tmux session names: PREFIX + tier (escalator-sonnet, escalator-opus).", \.remote.sessionPrefix),
        SettingKey(name: "assessment.strategy",
                   help: "Self-assessment strategy: \(AssessmentStrategies.names.joined(separator: " or ")).",
                   get: { $0.assessment.strategy },
                   set: { s, v in _ = try AssessmentStrategies.named(v); s.assessment.strategy = v }),
        text("assessment.prompts_dir", "Folder holding self-assessment.md; empty = ~/.config/escalator/prompts, then the checkout's prompts/.",
             \.assessment.promptsDir),
        text("assessment.router", "Router file of embedding-logistic, embedding-knn and combined (`escalator router train`); empty = router.json in the data folder.",
             \.assessment.router),
        choice("assessment.confidence", ["mean", "min"],
               "answer-logprob: P(local correct) from the answer's mean (geometric-mean token probability) or minimum token probability.",
               \.assessment.confidence),
        text("embedding.url", "A llama-server started with --embeddings (and --pooling mean) for the learned routers; empty = escalator starts its own beside the answering one.",
             \.embedding.url),
        text("embedding.model", "GGUF for the managed embedding server; empty = local.model. A router refuses embeddings of another model.", \.embedding.model),
        choice("embedding.pooling", ["mean", "cls", "last"], "Pooling of the managed embedding server (--pooling).", \.embedding.pooling),
        int("embedding.context", 512...1_048_576, "Total context of the managed embedding server; each slot (and batch) gets context / parallel.", \.embedding.context),
        int("embedding.parallel", 1...16, "Parallel slots of the managed embedding server.", \.embedding.parallel),
        int("embedding.batch", 1...512, "Questions per /v1/embeddings request.", \.embedding.batch),
        SettingKey(name: "calibration.kind",
                   help: "Map from raw score to probability: identity, platt (a, b) or isotonic (x, y). Filled by `escalator tune --write-config`.",
                   get: { $0.calibration.kind },
                   set: { s, v in
                       switch v {
                       case "identity": s.calibration = .identity
                       case "platt": if case .platt = s.calibration {} else { s.calibration = .platt(a: 1, b: 0) }
                       case "isotonic": if case .isotonic = s.calibration {} else { s.calibration = .isotonic(x: [0, 1], y: [0, 1]) }
                       default: throw invalid("calibration.kind", v, "identity, platt or isotonic")
                       }
                   }),
        SettingKey(name: "calibration.a", help: "Platt slope.",
                   get: { if case .platt(let a, _) = $0.calibration { "\(a)" } else { "" } },
                   set: { s, v in
                       let a = try number("calibration.a", v)
                       if case .platt(_, let b) = s.calibration { s.calibration = .platt(a: a, b: b) } else { s.calibration = .platt(a: a, b: 0) }
                   }),
        SettingKey(name: "calibration.b", help: "Platt intercept.",
                   get: { if case .platt(_, let b) = $0.calibration { "\(b)" } else { "" } },
                   set: { s, v in
                       let b = try number("calibration.b", v)
                       if case .platt(let a, _) = s.calibration { s.calibration = .platt(a: a, b: b) } else { s.calibration = .platt(a: 1, b: b) }
                   }),
        SettingKey(name: "calibration.x", help: "Isotonic map: raw scores, ascending (comma-separated in the environment).",
                   get: { if case .isotonic(let x, _) = $0.calibration { x.map { "\($0)" }.joined(separator: ",") } else { "" } },
                   set: { s, v in
                       let x = try numbers("calibration.x", v)
                       if case .isotonic(_, let y) = s.calibration { s.calibration = .isotonic(x: x, y: y) } else { s.calibration = .isotonic(x: x, y: x) }
                   }),
        SettingKey(name: "calibration.y", help: "Isotonic map: calibrated probabilities for each x.",
                   get: { if case .isotonic(_, let y) = $0.calibration { y.map { "\($0)" }.joined(separator: ",") } else { "" } },
                   set: { s, v in
                       let y = try numbers("calibration.y", v)
                       if case .isotonic(let x, _) = s.calibration { s.calibration = .isotonic(x: x, y: y) } else { s.calibration = .isotonic(x: y, y: y) }
                   }),
        probability("thresholds.local_min", "Answer locally when P(local correct) is at least this.", \.thresholds.localMin),
        probability("thresholds.sonnet_min", "Below local_min but at least this: the middle tier (sonnet); below it: the top tier (opus).",
                    \.thresholds.sonnetMin),
        price("prices.local_input", "Local tier, USD per million input tokens (0, or your electricity per token).", \.prices.localInput),
        price("prices.local_output", "Local tier, USD per million output tokens.", \.prices.localOutput),
        price("prices.sonnet_input", "Sonnet tier, USD per million input tokens (default: list price 2025-11).", \.prices.sonnetInput),
        price("prices.sonnet_output", "Sonnet tier, USD per million output tokens.", \.prices.sonnetOutput),
        price("prices.opus_input", "Opus tier, USD per million input tokens (default: Claude Opus 4.5 list price 2025-11).", \.prices.opusInput),
        price("prices.opus_output", "Opus tier, USD per million output tokens.", \.prices.opusOutput),
        choice("routing.default_tier", Tier.defaults.map(\.name),
               "Where a question goes when it cannot be assessed (llama-server down): it is routed there, marked degraded.",
               \.routing.defaultTier),
        choice("routing.min_tier", Tier.defaults.map(\.name), "Cheapest tier a question may be routed to (--min-tier).", \.routing.minTier),
        choice("routing.max_tier", Tier.defaults.map(\.name), "Dearest tier a question may be routed to (--max-tier).", \.routing.maxTier),
        int("routing.expected_answer_tokens", 1...1_000_000,
            "Answer length assumed for cost estimates before the answer exists (batch budgets).", \.routing.expectedAnswerTokens),
        int("routing.retries", 0...5, "Retries of a tier that failed with a transient error before the next tier is tried.",
            \.routing.retries),
    ]

    /// The key called `name` (`section.key`), or an error listing the near misses.
    public static func named(_ name: String) throws -> SettingKey {
        if let key = all.first(where: { $0.name == name }) { return key }
        let section = name.split(separator: ".").first.map(String.init) ?? name
        let near = all.filter { $0.section == section }.map(\.name)
        throw RoutingError(problem: "unknown setting \"\(name)\"",
                           fix: near.isEmpty ? "known sections: \(Set(all.map(\.section)).sorted().joined(separator: ", "))"
                                             : "keys in [\(section)]: \(near.joined(separator: ", "))")
    }

    // MARK: Builders

    static func text(_ name: String, _ help: String, _ path: any WritableKeyPath<Settings, String> & Sendable) -> SettingKey {
        SettingKey(name: name, help: help, get: { $0[keyPath: path] }, set: { $0[keyPath: path] = $1 })
    }

    static func choice(_ name: String, _ values: [String], _ help: String,
                       _ path: any WritableKeyPath<Settings, String> & Sendable) -> SettingKey {
        SettingKey(name: name, help: help, get: { $0[keyPath: path] }, set: { s, v in
            guard values.contains(v) else { throw invalid(name, v, values.joined(separator: " or ")) }
            s[keyPath: path] = v
        })
    }

    static func int(_ name: String, _ range: ClosedRange<Int>, _ help: String,
                    _ path: any WritableKeyPath<Settings, Int> & Sendable) -> SettingKey {
        SettingKey(name: name, help: help, get: { "\($0[keyPath: path])" }, set: { s, v in
            guard let n = Int(v.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
                throw invalid(name, v, "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            s[keyPath: path] = n
        })
    }

    static func probability(_ name: String, _ help: String, _ path: any WritableKeyPath<Settings, Double> & Sendable) -> SettingKey {
        SettingKey(name: name, help: help, get: { "\($0[keyPath: path])" }, set: { s, v in
            let x = try number(name, v)
            guard (0...1).contains(x) else { throw invalid(name, v, "a probability between 0 and 1") }
            s[keyPath: path] = x
        })
    }

    static func price(_ name: String, _ help: String, _ path: any WritableKeyPath<Settings, Double> & Sendable) -> SettingKey {
        SettingKey(name: name, help: help, get: { "\($0[keyPath: path])" }, set: { s, v in
            let x = try number(name, v)
            guard x >= 0 else { throw invalid(name, v, "a price of 0 or more (US dollars per million tokens)") }
            s[keyPath: path] = x
        })
    }

    static func number(_ name: String, _ text: String) throws -> Double {
        guard let x = Double(text.trimmingCharacters(in: .whitespaces)), x.isFinite else {
            throw invalid(name, text, "a number")
        }
        return x
    }

    static func numbers(_ name: String, _ text: String) throws -> [Double] {
        try text.split(separator: ",").map { try number(name, String($0)) }
    }

    static func invalid(_ name: String, _ value: String, _ expected: String) -> RoutingError {
        RoutingError(problem: "\(name) = \"\(value)\" is not valid", fix: "use \(expected)")
    }
}
