import Agents
import Remote

/// How a tier's failure affects the rest of a question's fallback chain (see ``Router``): the
/// tier is down (a usage limit: parked until its reset, ``TierParking``; a rate limit or the API
/// unavailable: for the run), every remote tier is down
/// (the agent's host unreachable, its folder untrusted), the tier ran but gave no answer (try the
/// next), the question can never be delivered (stop), or anything else (retry the same tier).
enum TierFailure: Equatable {
    case tierDown(String)
    case hostDown(String)
    case noAnswer
    case transient
    case fatal

    init(_ error: any Error) {
        if let error = error as? AgentError {
            switch error.code {
            case .usageLimit: self = .tierDown("reached its usage limit"); return
            case .rateLimited: self = .tierDown("was rate limited (HTTP 429)"); return
            case .apiUnavailable: self = .tierDown("could not get an answer from its API"); return
            case .untrusted: self = .hostDown("the agent's folder is not trusted (remote.trust)"); return
            case .undeliverable: self = .fatal; return
            case .timeout, .permissionStopped, .dialogStopped, .emptyAnswer: self = .noAnswer; return
            default: break
            }
        }
        if error is EmptyAnswer { self = .noAnswer; return }
        if let error = error as? RemoteError,
           [.connectFailed, .handshakeFailed, .hostKeyUnknown, .hostKeyChanged, .knownHostsFailed,
            .authenticationFailed, .spawnFailed].contains(error.code) {
            self = .hostDown("the agent host was unreachable")
            return
        }
        self = .transient
    }
}
