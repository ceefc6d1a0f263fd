import Agents
import Remote
import Testing
@testable import Routing

/// How each kind of failure moves a question along its fallback chain.
@Suite struct TierFailureTests {
    static func agent(_ code: AgentError.Code) -> any Error { AgentError(code: code, message: "m", session: "escalator-sonnet") }
    static func remote(_ code: RemoteError.Code) -> any Error { RemoteError(code, call: "test", message: "m") }

    @Test(arguments: [
        (agent(.usageLimit), TierFailure.tierDown("reached its usage limit")),
        (agent(.rateLimited), .tierDown("was rate limited (HTTP 429)")),
        (agent(.apiUnavailable), .tierDown("could not get an answer from its API")),
        (agent(.untrusted), .hostDown("the agent's folder is not trusted (remote.trust)")),
        (agent(.undeliverable), .fatal),
        (agent(.timeout), .noAnswer),
        (agent(.permissionStopped), .noAnswer),
        (agent(.dialogStopped), .noAnswer),
        (agent(.emptyAnswer), .noAnswer),
        (agent(.apiError), .transient),
        (agent(.crashed), .transient),
        (agent(.modelSwitchFailed), .transient),
        (agent(.unknownScreen), .transient),
        (EmptyAnswer(tier: .local, detail: "nothing"), .noAnswer),
        (remote(.connectFailed), .hostDown("the agent host was unreachable")),
        (remote(.handshakeFailed), .hostDown("the agent host was unreachable")),
        (remote(.hostKeyUnknown), .hostDown("the agent host was unreachable")),
        (remote(.hostKeyChanged), .hostDown("the agent host was unreachable")),
        (remote(.authenticationFailed), .hostDown("the agent host was unreachable")),
        (remote(.spawnFailed), .hostDown("the agent host was unreachable")),
        (remote(.connectionLost), .transient),
        (remote(.timedOut), .transient),
        (RoutingError(problem: "p", fix: "f"), .transient),
    ] as [(any Error, TierFailure)])
    func classification(error: any Error, kind: TierFailure) {
        #expect(TierFailure(error) == kind, "\(error)")
    }
}
