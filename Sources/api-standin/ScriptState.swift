import Foundation
import Synchronization

/// How a `/v1/messages` request is to be answered.
enum Decision: Sendable {
    case scripted(ReplyPlan)
    /// No rule matched and `--passthrough` is set: forward the request upstream.
    case passthrough
}

/// The stand-in's mutable state, behind one lock: the current script (re-read when its file
/// changes), how often each rule has answered (for `times`), and which rule each tool_use id
/// came from (so the request carrying its tool_result gets that rule's `after_tool_reply`).
final class ScriptState: Sendable {
    private struct State {
        var signature: ScriptFile.Signature?
        var script: CompiledScript
        var uses: [Int: Int] = [:]
        /// Kept across script reloads: a test may rewrite the script between the tool call and its result.
        var toolCalls: [String: StandinScript.Rule] = [:]
    }

    private let file: ScriptFile
    private let passthrough: Bool
    private let state: Mutex<State>

    /// Loads the script once, so a broken file is reported at startup.
    init(file: ScriptFile, passthrough: Bool) throws(ScriptError) {
        self.file = file
        self.passthrough = passthrough
        let signature = file.signature()
        state = Mutex(State(signature: signature, script: try file.load()))
    }

    /// Picks the answer for `request` (request number `number`, used for tool_use ids),
    /// counting the use of the rule it picks.
    func decide(_ request: MessagesRequest, number: Int) throws(ScriptError) -> Decision {
        let current = file.signature()
        // Read outside the lock; swapped in only if the file did not change meanwhile.
        var reloaded: CompiledScript?
        if current != state.withLock({ $0.signature }) { reloaded = try file.load() }

        return state.withLock { state -> Decision in
            if let reloaded, current != state.signature {
                state.signature = current
                state.script = reloaded
                state.uses = [:]
            }
            // A refused tool (is_error) gets no follow-up: the rules answer what the user said next.
            let failed = request.failedToolResultIDs
            for id in request.toolResultIDs {
                if let rule = state.toolCalls.removeValue(forKey: id), !failed.contains(id) {
                    return .scripted(ReplyPlan(rule: rule, tag: .toolFollowup, request: request,
                                               text: rule.afterToolReply ?? "Done.", toolCallID: nil))
                }
            }
            let script = state.script
            for index in script.script.rules.indices
            where script.matches(index, text: request.lastUserText, model: request.model) {
                let rule = script.script.rules[index]
                let used = state.uses[index, default: 0]
                if let times = rule.times, used >= times { continue }
                state.uses[index] = used + 1
                return .scripted(plan(rule, tag: .index(index), request: request, number: number, state: &state))
            }
            if passthrough { return .passthrough }
            return .scripted(plan(script.script.defaultRule, tag: .defaultRule, request: request, number: number,
                                  state: &state))
        }
    }

    private func plan(_ rule: StandinScript.Rule, tag: RuleTag, request: MessagesRequest, number: Int,
                      state: inout State) -> ReplyPlan {
        var toolCallID: String?
        if rule.toolUse != nil, rule.status == nil {
            let id = "toolu_standin_\(number)"
            // The follow-up gets the rule's pacing, not its fault injection or fixed usage.
            var followup = rule
            followup.disconnectAfterChars = nil
            followup.usage = nil
            state.toolCalls[id] = followup
            toolCallID = id
        }
        return ReplyPlan(rule: rule, tag: tag, request: request, text: rule.reply, toolCallID: toolCallID)
    }
}
