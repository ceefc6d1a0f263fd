import Synchronization

/// Tiers found unable to answer during this run (rate limited, host unreachable), so later
/// questions skip them at once instead of failing on them again. Shared by every copy of a
/// ``Router`` (a batch's workers). It also keeps parked tiers (usage limits, ``TierParking``)
/// for a run without a ledger; with one, they live in the ledger (``LedgerParking``).
public final class TierHealth: TierParkingStore {
    private let down = Mutex<[String: String]>([:])
    private let parked = Mutex<[String: TierParking]>([:])

    public init() {}

    /// Why `tier` is skipped, or nil if it may be tried.
    public func skipReason(_ tier: Tier) -> String? {
        down.withLock { $0[tier.name] }
    }

    /// Marks `tier` as unable to answer for the rest of the run.
    public func markDown(_ tier: Tier, because reason: String) {
        down.withLock { $0[tier.name] = reason }
    }

    // MARK: Parking in memory

    public func parking(of tier: String) async throws -> TierParking? {
        parked.withLock { $0[tier] }
    }

    public func park(_ parking: TierParking) async throws {
        parked.withLock { $0[parking.tier] = parking }
    }

    @discardableResult
    public func unpark(_ tier: String) async throws -> Bool {
        parked.withLock { $0.removeValue(forKey: tier) != nil }
    }

    public func parkings() async throws -> [TierParking] {
        parked.withLock { $0.values.sorted { $0.tier < $1.tier } }
    }
}
