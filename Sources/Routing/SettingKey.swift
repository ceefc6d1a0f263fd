import Agents
import Foundation

/// One configurable key: its dotted name (`thresholds.local_min`), what it means, and how to
/// read and set it from text. The config file, environment variables, flags and the annotated
/// file written by `escalator init` all go through this one table.
public struct SettingKey: Sendable {
    /// How a value is written in TOML.
    public enum Form: Sendable { case text, number, flag, numbers }

    public var name: String
    public var help: String
    let get: @Sendable (Settings) -> String
    let set: @Sendable (inout Settings, String) throws -> Void
    var form: Form
    /// For an older key kept working: the key it stands for (`annotatedConfig` leaves it out).
    public var aliasOf: String?

    init(name: String, help: String, form: Form = .text, aliasOf: String? = nil,
         get: @escaping @Sendable (Settings) -> String, set: @escaping @Sendable (inout Settings, String) throws -> Void) {
        self.name = name
        self.help = help
        self.form = form
        self.aliasOf = aliasOf
        self.get = get
        self.set = set
    }

    /// The section (`local`, `tiers.fable`) and key (`url`, `min_p`) of the dotted name.
    public var section: String { name.split(separator: ".").dropLast().joined(separator: ".") }
    public var key: String { String(name.split(separator: ".").last ?? "") }
    /// The environment variable that overrides this key, e.g. `ESCALATOR_LOCAL_URL`,
    /// `ESCALATOR_TIERS_FABLE_MIN_P`.
    public var environmentVariable: String {
        "ESCALATOR_\(section.uppercased().replacingOccurrences(of: ".", with: "_"))_\(key.uppercased())"
    }

    /// Every key escalator knows.
    public static let all: [SettingKey] = [
        text("local.url", "URL of a running llama-server. If nothing answers there, escalator starts one itself (see managed).",
             \.local.url),
        choice("local.managed",
               "auto: start llama-server with `model` when nothing answers at `url` (loopback, a free port, reused later); never: fail instead.",
               \.local.managed),
        text("local.model", "GGUF model file for the llama-server escalator starts. `make setup` installs a small default.", \.local.model),
        text("local.server", "The llama-server executable; empty = the one `make setup` built, then llama-server on PATH.", \.local.server),
        int("local.context", 256...1_048_576, "Total context (tokens) of the managed server; each parallel slot gets context / parallel.", \.local.context),
        int("local.parallel", 1...64, "Parallel slots (-np) of the managed server.", \.local.parallel),
        choice("local.swa_full",
               "Pass --swa-full so the prompt cache works with sliding-window models (Gemma); auto = for Gemma models.", \.local.swaFull),
        int("local.connect_timeout_ms", 1...600_000, "How long to wait for llama-server's TCP connection.", \.local.connectTimeoutMs),
        int("local.request_timeout_ms", 0...86_400_000, "Upper bound for one request to llama-server (0 = none).", \.local.requestTimeoutMs),
        int("local.start_timeout_s", 1...3600, "How long to wait for a managed llama-server to load its model.", \.local.startTimeoutS),
        int("local.answer_max_tokens", 1...32_768, "Most tokens a local answer may have.", \.local.answerMaxTokens),
        text("local.api_key", "Sent as a bearer token when llama-server runs with --api-key.", \.local.apiKey),
        choice("remote.transport",
               "Where the agent's tmux runs: local (this machine, no SSH) or ssh (remote.host).", \.remote.transport),
        text("remote.host", "SSH host name or ~/.ssh/config alias (HostName, User, Port, IdentityFile are honoured).", \.remote.host),
        text("remote.user", "SSH user; empty = from ~/.ssh/config, else $USER.", \.remote.user),
        int("remote.port", 1...65535, "SSH port (a ~/.ssh/config Port wins when this is 22).", \.remote.port),
        text("remote.identity_file", "ed25519/ECDSA private key; empty = ~/.ssh/config IdentityFile, then ssh-agent, then ~/.ssh/id_ed25519.",
             \.remote.identityFile),
        text("remote.known_hosts", "Project-managed known_hosts (checked after ~/.ssh/known_hosts); `escalator trust-host` adds to it.",
             \.remote.knownHosts),
        text("remote.tmux_socket", "tmux socket name (-L) on the agent's machine.", \.remote.tmuxSocket),
        choice("remote.agent",
               "How the agent's screen is read: claude-code, or marker (any REPL: the answer ends with a marker line).", \.remote.agent),
        SettingKey(name: "remote.command",
                   help: "The command that starts the agent in a new tmux session (e.g. claude); words split as a shell would, no shell runs it.",
                   get: { $0.remote.command.text },
                   set: { s, v in
                       do { s.remote.command = try AgentCommandLine(v) } catch {
                           throw invalid("remote.command", v, "a command line with balanced quotes, e.g. claude or \"/opt/claude/bin/claude\" --verbose")
                       }
                   }),
        text("remote.directory", "Folder the agent starts in (its workspace: Claude Code's trust dialog asks about it); empty = where tmux starts.",
             \.remote.directory),
        choice("remote.permission",
               "Tool-permission prompts: deny (answer No), approve (answer Yes), stop (leave it for a person, fail the question).",
               \.remote.permission),
        choice("remote.trust",
               "The folder-trust dialog at start-up: accept it, decline it (the agent exits; the question fails), or stop (leave it for a person).",
               \.remote.trust),
        choice("remote.permission_mode",
               "The agent's permission mode: manual (it asks before each tool and `permission` answers), auto (Claude Code decides itself).",
               \.remote.permissionMode),
        int("remote.api_retries_watched", 0...10,
            "How many of the agent's own API retries (429, 529, connection refused) to watch before giving up on the tier.",
            \.remote.apiRetriesWatched),
        flag("remote.clear", "Send /clear before each question (unrelated questions share no context).",
               \.remote.clear),
        flag("remote.read_cost",
               "Read the agent's /cost before and after each question and record the difference as the question's cost.",
               \.remote.readCost),
        flag("remote.hooks",
               "Start the agent with escalator's hooks (Claude Code --settings): turn ends, exact markdown answers and the accepted "
               + "prompt from its own events; off: read from the screen only.",
               \.remote.hooks),
        int("remote.answer_timeout_s", 1...86_400, "How long one escalated answer may take.", \.remote.answerTimeoutS),
        int("remote.limit_park_minutes", 1...10_080,
            "How long a tier stays parked after a usage limit whose message names no readable reset time (with one, until then).",
            \.remote.limitParkMinutes),
        SettingKey(name: "remote.time_zone",
                   help: "The agent host's time zone (e.g. America/New_York), for limit reset times shown without one; "
                       + "empty = this machine's with transport local, unknown (this machine's is used, and said) over ssh.",
                   get: { $0.remote.timeZone?.identifier ?? "" },
                   set: { s, v in
                       if v.isEmpty { s.remote.timeZone = nil; return }
                       guard let zone = TimeZone(identifier: v) else {
                           throw invalid("remote.time_zone", v, "an IANA zone name such as Europe/Berlin or UTC, or \"\"")
                       }
                       s.remote.timeZone = zone
                   }),
        text("remote.session_prefix", "tmux session names: PREFIX + tier (escalator-sonnet, escalator-opus, …).", \.remote.sessionPrefix),
        choice("assessment.strategy", "Self-assessment strategy: \(AssessmentStrategies.names.joined(separator: " or ")).",
               \.assessment.strategy),
        text("assessment.prompts_dir", "Folder holding self-assessment.md; empty = ~/.config/escalator/prompts, then the checkout's prompts/.",
             \.assessment.promptsDir),
        text("assessment.router", "Router file of embedding-logistic, embedding-knn and combined (`escalator router train`); empty = router.json in the data folder.",
             \.assessment.router),
        choice("assessment.confidence",
               "answer-logprob: P(local correct) from the answer's mean (geometric-mean token probability) or minimum token probability.",
               \.assessment.confidence),
        text("embedding.url", "A llama-server started with --embeddings (and --pooling mean) for the learned routers; empty = escalator starts its own beside the answering one.",
             \.embedding.url),
        text("embedding.model", "GGUF for the managed embedding server; empty = local.model. A router refuses embeddings of another model.", \.embedding.model),
        choice("embedding.pooling", "Pooling of the managed embedding server (--pooling).", \.embedding.pooling),
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
        SettingKey(name: "calibration.a", help: "Platt slope.", form: .number,
                   get: { if case .platt(let a, _) = $0.calibration { "\(a)" } else { "" } },
                   set: { s, v in
                       let a = try number("calibration.a", v)
                       if case .platt(_, let b) = s.calibration { s.calibration = .platt(a: a, b: b) } else { s.calibration = .platt(a: a, b: 0) }
                   }),
        SettingKey(name: "calibration.b", help: "Platt intercept.", form: .number,
                   get: { if case .platt(_, let b) = $0.calibration { "\(b)" } else { "" } },
                   set: { s, v in
                       let b = try number("calibration.b", v)
                       if case .platt(let a, _) = s.calibration { s.calibration = .platt(a: a, b: b) } else { s.calibration = .platt(a: 1, b: b) }
                   }),
        SettingKey(name: "calibration.x", help: "Isotonic map: raw scores, ascending (comma-separated in the environment).", form: .numbers,
                   get: { if case .isotonic(let x, _) = $0.calibration { x.map { "\($0)" }.joined(separator: ",") } else { "" } },
                   set: { s, v in
                       let x = try numbers("calibration.x", v)
                       if case .isotonic(_, let y) = s.calibration { s.calibration = .isotonic(x: x, y: y) } else { s.calibration = .isotonic(x: x, y: x) }
                   }),
        SettingKey(name: "calibration.y", help: "Isotonic map: calibrated probabilities for each x.", form: .numbers,
                   get: { if case .isotonic(_, let y) = $0.calibration { y.map { "\($0)" }.joined(separator: ",") } else { "" } },
                   set: { s, v in
                       let y = try numbers("calibration.y", v)
                       if case .isotonic(let x, _) = s.calibration { s.calibration = .isotonic(x: x, y: y) } else { s.calibration = .isotonic(x: y, y: y) }
                   }),
        text("routing.default_tier",
             "Where a question goes when it cannot be assessed (llama-server down): it is routed there, marked degraded.",
             \.routing.defaultTier),
        text("routing.min_tier", "Cheapest tier a question may be routed to (--min-tier); empty = the cheapest tier.", \.routing.minTier),
        text("routing.max_tier", "Dearest tier a question may be routed to (--max-tier); empty = the dearest tier.", \.routing.maxTier),
        int("routing.expected_answer_tokens", 1...1_000_000,
            "Answer length assumed for cost estimates before the answer exists (batch budgets).", \.routing.expectedAnswerTokens),
        int("routing.retries", 0...5, "Retries of a tier that failed with a transient error before the next tier is tried.",
            \.routing.retries),
        text("serve.host", "Address `escalator serve` listens on (beyond loopback only with keys).", \.serve.host),
        int("serve.port", 0...65_535, "Port of `escalator serve` (0 picks a free one).", \.serve.port),
        int("serve.concurrency", 1...64, "Requests `serve` answers at once (each holds one agent session of its tier).", \.serve.concurrency),
        int("serve.queue", 0...10_000, "Requests `serve` queues beyond those; more get HTTP 429 with Retry-After.", \.serve.queue),
        SettingKey(name: "serve.keys", help: "Bearer keys `serve` accepts, as [\"KEY\", \"KEY:DAILY_USD\"]; none = no auth (loopback only).",
                   form: .text, get: { ServeKey.text($0.serve.keys) }, set: { s, v in s.serve.keys = try ServeKey.parse(v) }),
    ] + legacy

    /// The keys that named the three fixed tiers before tiers were data; they still set the
    /// default tiers' values (`thresholds.local_min` is `tiers.local.min_p`, …).
    static let legacy: [SettingKey] = [
        alias("thresholds.local_min", of: "local", .minP),
        alias("thresholds.sonnet_min", of: "sonnet", .minP),
        alias("prices.local_input", of: "local", .inputPrice),
        alias("prices.local_output", of: "local", .outputPrice),
        alias("prices.sonnet_input", of: "sonnet", .inputPrice),
        alias("prices.sonnet_output", of: "sonnet", .outputPrice),
        alias("prices.opus_input", of: "opus", .inputPrice),
        alias("prices.opus_output", of: "opus", .outputPrice),
        alias("remote.sonnet_model", of: "sonnet", .model),
        alias("remote.opus_model", of: "opus", .model),
    ]

    /// The fields of a `[tiers.NAME]` table, in the order `escalator init` writes them.
    public enum TierField: String, Sendable, CaseIterable {
        case model
        case inputPrice = "input_price"
        case outputPrice = "output_price"
        case minP = "min_p"
    }

    /// The keys of the tier called `tier` (local has no model).
    public static func keys(ofTier tier: String) -> [SettingKey] {
        TierField.allCases.filter { tier != Tier.localName || $0 != .model }.map { tierKey(tier, $0) }
    }

    /// `tiers.TIER.FIELD` from its name, or an error naming what is wrong with it.
    static func tierKey(named name: String) throws -> SettingKey {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let tier = parts.count == 3 ? parts[1] : ""
        guard parts.count == 3, !tier.isEmpty, tier != "auto",
              tier.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw RoutingError(problem: "\"\(name)\" does not name a tier's setting",
                               fix: "use tiers.NAME.FIELD, NAME of lowercase letters, digits, - and _ (not auto), e.g. tiers.fable.min_p")
        }
        guard let field = TierField(rawValue: parts[2]) else {
            throw RoutingError(problem: "unknown setting \"\(name)\"",
                               fix: "keys in [tiers.\(tier)]: \(TierField.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return tierKey(tier, field)
    }

    /// `tiers.TIER.FIELD`.
    static func tierKey(_ tier: String, _ field: TierField) -> SettingKey {
        let name = "tiers.\(tier).\(field.rawValue)"
        let local = tier == Tier.localName
        @Sendable func definition(_ s: Settings) -> TierDefinition? { s.tiers.definitions.first { $0.name == tier } }
        switch field {
        case .model:
            return SettingKey(name: name, help: "The agent's model alias for this tier (/model ALIAS).",
                              get: { definition($0)?.model ?? "" },
                              set: { s, v in
                                  guard !local else {
                                      throw RoutingError(problem: "\(name): the local tier has no agent model", fix: "set local.model (the GGUF file) instead")
                                  }
                                  guard !v.isEmpty else { throw invalid(name, v, "the agent's model alias, e.g. \"\(tier)\"") }
                                  s.tiers.update(tier) { $0.model = v }
                              })
        case .inputPrice, .outputPrice:
            let input = field == .inputPrice
            let what = input ? "input" : "output"
            return SettingKey(name: name, help: "USD per million \(what) tokens" + (local ? " (0, or your electricity per token)." : "."),
                              form: .number, get: { s in definition(s)?.price.map { "\(input ? $0.inputPerMillion : $0.outputPerMillion)" } ?? "" },
                              set: { s, v in
                                  let x = try number(name, v)
                                  guard x >= 0 else { throw invalid(name, v, "a price of 0 or more (US dollars per million tokens)") }
                                  s.tiers.update(tier) { if input { $0.inputPrice = x } else { $0.outputPrice = x } }
                              })
        case .minP:
            return SettingKey(name: name,
                              help: local ? "Answer locally when P(local correct) is at least this."
                                  : "Chosen when P(local correct) is below every cheaper tier's min_p and at least this.",
                              form: .number, get: { definition($0)?.minP.map { "\($0)" } ?? "" },
                              set: { s, v in
                                  let x = try number(name, v)
                                  guard (0...1).contains(x) else { throw invalid(name, v, "a probability between 0 and 1") }
                                  s.tiers.update(tier) { $0.minP = x }
                              })
        }
    }

    /// An older key standing for `target`.
    static func alias(_ name: String, of tier: String, _ field: TierField) -> SettingKey {
        let key = tierKey(tier, field), target = key.name
        return SettingKey(name: name, help: "Older name of \(target).", form: key.form, aliasOf: target, get: key.get, set: { s, v in
            do { try key.set(&s, v) } catch let error as RoutingError {
                throw RoutingError(problem: error.problem.replacingOccurrences(of: target, with: name), fix: error.fix)
            }
        })
    }

    /// The key called `name` (`section.key`, or `tiers.NAME.FIELD`), or an error listing the
    /// near misses.
    public static func named(_ name: String) throws -> SettingKey {
        if let key = all.first(where: { $0.name == name }) { return key }
        if name.hasPrefix("tiers.") { return try tierKey(named: name) }
        let section = name.split(separator: ".").first.map(String.init) ?? name
        let near = all.filter { $0.section == section }.map(\.name)
        let sections = Set(all.map(\.section)).union(["tiers.NAME"]).sorted()
        throw RoutingError(problem: "unknown setting \"\(name)\"",
                           fix: near.isEmpty ? "known sections: \(sections.joined(separator: ", "))"
                                             : "keys in [\(section)]: \(near.joined(separator: ", "))")
    }

    // MARK: Builders

    static func text(_ name: String, _ help: String, _ path: any WritableKeyPath<Settings, String> & Sendable) -> SettingKey {
        SettingKey(name: name, help: help, get: { $0[keyPath: path] }, set: { $0[keyPath: path] = $1 })
    }

    /// One of an enum's values, refused with the list of them.
    static func choice<Value: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ help: String, _ path: any WritableKeyPath<Settings, Value> & Sendable
    ) -> SettingKey where Value.RawValue == String {
        SettingKey(name: name, help: help, get: { $0[keyPath: path].rawValue }, set: { s, v in
            guard let value = Value(rawValue: v) else {
                throw invalid(name, v, Value.allCases.map(\.rawValue).joined(separator: " or "))
            }
            s[keyPath: path] = value
        })
    }

    /// `true` or `false` (TOML booleans or those words).
    static func flag(_ name: String, _ help: String, _ path: any WritableKeyPath<Settings, Bool> & Sendable) -> SettingKey {
        SettingKey(name: name, help: help, form: .flag, get: { "\($0[keyPath: path])" }, set: { s, v in
            switch v {
            case "true": s[keyPath: path] = true
            case "false": s[keyPath: path] = false
            default: throw invalid(name, v, "true or false")
            }
        })
    }

    static func int(_ name: String, _ range: ClosedRange<Int>, _ help: String,
                    _ path: any WritableKeyPath<Settings, Int> & Sendable) -> SettingKey {
        SettingKey(name: name, help: help, form: .number, get: { "\($0[keyPath: path])" }, set: { s, v in
            guard let n = Int(v.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
                throw invalid(name, v, "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            s[keyPath: path] = n
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
