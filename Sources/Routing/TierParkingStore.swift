import Foundation

/// Where parked tiers (``TierParking``) are kept: the ledger's `parked_tiers` table
/// (``LedgerParking``: shared by every process and later runs) or, for a run without a
/// ledger, ``TierHealth``'s memory.
public protocol TierParkingStore: Sendable {
    /// `tier`'s parking, whether or not it has passed; nil when it is not parked.
    func parking(of tier: String) async throws -> TierParking?
    /// Parks a tier, replacing any earlier parking of it.
    func park(_ parking: TierParking) async throws
    /// Clears `tier`'s parking; true when there was one.
    @discardableResult
    func unpark(_ tier: String) async throws -> Bool
    /// Every parking, by tier name.
    func parkings() async throws -> [TierParking]
}

/// The ledger's `parked_tiers` table as a ``TierParkingStore``; each call runs on the ledger's
/// own queue, off the cooperative pool.
public struct LedgerParking: TierParkingStore {
    public let ledger: Ledger

    public init(_ ledger: Ledger) { self.ledger = ledger }

    public func parking(of tier: String) async throws -> TierParking? {
        try await ledger.queue.run { try ledger.parking(of: tier) }
    }

    public func park(_ parking: TierParking) async throws {
        try await ledger.queue.run { try ledger.park(parking) }
    }

    @discardableResult
    public func unpark(_ tier: String) async throws -> Bool {
        try await ledger.queue.run { try ledger.unpark(tier) }
    }

    public func parkings() async throws -> [TierParking] {
        try await ledger.queue.run { try ledger.parkedTiers() }
    }
}
