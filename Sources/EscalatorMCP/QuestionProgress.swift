import Foundation
import MCP
import Routing
import Synchronization

/// Where one `ask` is, for its progress notifications: assessing, then routed to a tier; for
/// a local answer, how much text has streamed so far.
final class QuestionProgress: Sendable {
    private struct State {
        var route: Route?
        var characters = 0
    }

    private let state = Mutex(State())
    private let forced: Bool
    private let start: ContinuousClock.Instant

    init(choice: TierChoice, start: ContinuousClock.Instant = .now) {
        forced = choice != .auto
        self.start = start
    }

    func routed(_ route: Route) { state.withLock { $0.route = route } }

    func received(_ text: String) { state.withLock { $0.characters += text.count } }

    /// The notification for now: progress is the seconds since the question arrived (it only
    /// grows), the message says what is being waited for.
    func snapshot(token: ProgressToken, now: ContinuousClock.Instant = .now) -> ProgressNotification.Parameters {
        let seconds = (now - start) / .seconds(1)
        let s = state.withLock { $0 }
        return .init(progressToken: token, progress: (seconds * 10).rounded() / 10, total: nil,
                     message: Self.message(route: s.route, characters: s.characters, forced: forced, seconds: seconds))
    }

    /// E.g. "escalated to opus: waiting for the agent (12 s)".
    static func message(route: Route?, characters: Int, forced: Bool, seconds: Double) -> String {
        let elapsed = "(\(Int(seconds.rounded())) s)"
        guard let route else { return "assessing the question \(elapsed)" }
        if route.tier.isLocal {
            return characters == 0 ? "answering locally \(elapsed)" : "answering locally: \(characters) characters so far \(elapsed)"
        }
        if characters > 0 { return "\(route.tier.name) answered: recording \(elapsed)" }
        return "\(forced ? "sent to" : "escalated to") \(route.tier.name): waiting for the agent \(elapsed)"
    }

    /// Runs `body` while sending `send(snapshot)` every `interval` (the first after one
    /// interval), until `body` returns or throws.
    func reporting<T: Sendable>(token: ProgressToken, every interval: Duration,
                                send: @escaping @Sendable (ProgressNotification.Parameters) async -> Void,
                                _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    await send(snapshot(token: token))
                }
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}
