import Foundation

/// How the driver answers what the agent asks: tool permissions, the folder-trust dialog, and
/// whether each question starts a fresh conversation.
public struct AgentPolicy: Sendable, Equatable {
    /// What to do with a tool-permission prompt. Every prompt is logged.
    public enum Permission: String, Sendable, CaseIterable {
        /// Choose the "No" option: the agent answers without the tool (the safe default).
        case deny
        /// Choose "Yes" for this one call.
        case approve
        /// Stop with `AgentError.permissionStopped`, leaving the prompt for a person.
        case stop
    }

    /// What to do with the start-up dialog asking whether to trust the folder.
    public enum Trust: String, Sendable, CaseIterable {
        /// Choose the option labelled "Yes, I trust this folder" (by label, never by position).
        case accept
        /// Choose "No, exit": the agent exits and the question fails with `AgentError.untrusted`.
        case decline
        /// Leave the dialog open for a person and fail with `AgentError.untrusted`.
        case stop
    }

    /// Which permission mode the agent is started in.
    public enum PermissionMode: String, Sendable, CaseIterable {
        /// The agent asks before each tool call and escalator answers by `permission`
        /// (Claude Code: `--permission-mode default`, footer `⏸ manual mode on`).
        case manual
        /// The agent decides itself which tool calls to run (Claude Code's "auto mode");
        /// `permission` then only applies to the prompts the agent still shows.
        case auto
    }

    public var permission: Permission
    public var trust: Trust
    /// Send `/clear` before each question so unrelated questions do not share context.
    public var clearBeforeQuestion: Bool
    /// How long one answer may take.
    public var answerTimeout: Duration
    /// How long the agent may take to start and show its composer.
    public var startTimeout: Duration
    /// Read the session cost (`/cost`) before and after each question and report the difference.
    public var readCost: Bool
    public var permissionMode: PermissionMode
    /// How many of the agent's own API retries to watch before giving up on the turn (the
    /// agent would otherwise retry 10 times with growing back-off, minutes per tier).
    public var apiRetriesToWatch: Int
    /// Start the agent with escalator's hooks (when its profile has them) and take turn ends,
    /// exact answers and the accepted prompt from their events; the screen stays the fallback.
    public var hooks: Bool
    /// The agent host's time zone, in which a usage-limit reset time that names no zone is read;
    /// nil when it is not known (this machine's zone is used then, and the reason says so).
    public var hostTimeZone: TimeZone?

    public init(permission: Permission = .deny, trust: Trust = .accept, clearBeforeQuestion: Bool = true,
                answerTimeout: Duration = .seconds(600), startTimeout: Duration = .seconds(60), readCost: Bool = false,
                permissionMode: PermissionMode = .manual, apiRetriesToWatch: Int = 3, hooks: Bool = true,
                hostTimeZone: TimeZone? = nil) {
        self.permission = permission
        self.trust = trust
        self.clearBeforeQuestion = clearBeforeQuestion
        self.answerTimeout = answerTimeout
        self.startTimeout = startTimeout
        self.readCost = readCost
        self.permissionMode = permissionMode
        self.apiRetriesToWatch = apiRetriesToWatch
        self.hooks = hooks
        self.hostTimeZone = hostTimeZone
    }
}

/// One agent session: a tmux session running the agent command, on one model.
public struct AgentSessionSpec: Sendable, Equatable {
    /// The tmux session name, e.g. `escalator-sonnet`.
    public var name: String
    /// The program and arguments that start the agent (`["claude"]`).
    public var command: [String]
    /// The model alias the session should be on (`sonnet`, `opus`), or nil to leave it.
    public var model: String?
    public var width: Int
    public var height: Int
    public var workingDirectory: String?
    public var environment: [String: String]

    public init(name: String, command: [String], model: String?, width: Int = 120, height: Int = 40,
                workingDirectory: String? = nil, environment: [String: String] = [:]) {
        self.name = name
        self.command = command
        self.model = model
        self.width = width
        self.height = height
        self.workingDirectory = workingDirectory
        self.environment = environment
    }
}

/// A remote agent's answer and how it was obtained.
public struct AgentAnswer: Sendable, Equatable {
    public var text: String
    /// The tmux session that answered.
    public var session: String
    /// The model alias the session was on.
    public var model: String?
    /// Permission prompts met during the turn and what the policy chose.
    public var permissions: [String]
    /// True when the agent crashed and the question was asked again in a restarted session.
    public var retried: Bool
    /// Why the first delivery was lost, when `retried`.
    public var retryReason: String? = nil
    /// How the question was delivered (as it is, or inside the agent's pasted-text wrapper).
    public var delivery: DeliveryForm = .plain
    /// The permission mode the agent ran in.
    public var permissionMode: AgentPolicy.PermissionMode = .manual
    public var elapsedMs: Double
    /// What the question cost, from the agent's own `/cost` report (when `readCost` is on).
    public var costDeltaUsd: Double? = nil
    /// Where the answer text was read (`hook`: the agent's exact markdown; `screen`: as drawn).
    public var answerSource: AnswerSource = .screen
    /// The prompt text the agent reported accepting (its UserPromptSubmit hook), when hooks ran.
    public var acceptedPrompt: String? = nil
    /// Whether `acceptedPrompt` equals what escalator sent (nil: no hook reported it).
    public var deliveryVerified: Bool? = nil
    /// Every API request the turn made, with its model and usage, from the agent's transcript
    /// (empty until ``AgentDriver/measureUsage(_:)`` read it, and when it could not be read:
    /// then nothing was measured).
    public var requests: [TranscriptTurn.Request] = []
    /// The agent's version as its transcript names it (`2.1.332`), when read.
    public var agentVersion: String? = nil
    /// The turns whose usage the agent's transcript will show once the agent has written it
    /// (nil: nothing left to read). The answer is returned as soon as the Stop hook reports it;
    /// the CLI writes its transcript up to about 100 ms later, so the usage is read after.
    public var pendingUsage: PendingUsage? = nil
}
