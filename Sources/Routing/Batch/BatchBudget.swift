import Synchronization

/// How a batch decides what fits a budget, for the plan and the run alike: an estimate fits when
/// it is at most what is left (``fits(_:left:)``).
///
/// While a batch runs it tracks what answered questions cost (measured from the agent's
/// transcript when it was read, else estimated) and what running escalations have reserved. An escalation starts only if its estimate fits in what is left,
/// so a later escalation sees what earlier ones really cost.
final class BatchBudget: Sendable {
    /// The one rule: `cost` fits in `left` dollars (with a margin for floating-point sums).
    static func fits(_ cost: Double, left: Double) -> Bool { cost <= left + 1e-12 }

    private struct State { var spent = 0.0; var reserved = 0.0 }
    let limit: Double?
    private let state = Mutex(State())

    init(limit: Double?) { self.limit = limit }

    /// Reserves `amount` if it fits (always, without a limit).
    func reserve(_ amount: Double) -> Bool {
        state.withLock { s in
            if let limit, !Self.fits(amount, left: limit - s.spent - s.reserved) { return false }
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
