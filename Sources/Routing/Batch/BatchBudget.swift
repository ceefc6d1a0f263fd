import Synchronization

/// The budget while a batch runs: what answered questions cost (estimated) and what running
/// escalations have reserved. An escalation starts only if its estimate fits in what is left,
/// so the plan's guarantee holds even when earlier answers ran longer than expected.
final class BatchBudget: Sendable {
    private struct State { var spent = 0.0; var reserved = 0.0 }
    let limit: Double?
    private let state = Mutex(State())

    init(limit: Double?) { self.limit = limit }

    /// Reserves `amount` if it fits (always, without a limit).
    func reserve(_ amount: Double) -> Bool {
        state.withLock { s in
            if let limit, s.spent + s.reserved + amount > limit + 1e-12 { return false }
            s.reserved += amount
            return true
        }
    }

    /// Replaces a reservation with what the question actually cost.
    func settle(reserved: Double, actual: Double) {
        state.withLock { s in
            s.reserved -= reserved
            s.spent += actual
        }
    }

    var spent: Double { state.withLock { $0.spent } }
}
