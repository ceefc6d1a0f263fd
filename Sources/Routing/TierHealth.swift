import Synchronization

/// Tiers found unable to answer during this run (usage limit reached, host unreachable), so
/// later questions skip them at once instead of failing on them again. Shared by every copy of
/// a ``Router`` (a batch's workers).
public final class TierHealth: Sendable {
    private let down = Mutex<[String: String]>([:])

    public init() {}

    /// Why `tier` is skipped, or nil if it may be tried.
    public func skipReason(_ tier: Tier) -> String? {
        down.withLock { $0[tier.name] }
    }

    /// Marks `tier` as unable to answer for the rest of the run.
    public func markDown(_ tier: Tier, because reason: String) {
        down.withLock { $0[tier.name] = reason }
    }
}
