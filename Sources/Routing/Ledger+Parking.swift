import Foundation
import GRDB

/// Parked tiers (``TierParking``) in the ledger's `parked_tiers` table (migration `v8`), one row
/// per tier, so a usage limit met by one escalator process is respected by every other one and
/// by later runs, until its reset time.
extension Ledger {
    /// The table of parked tiers.
    public static let parkingTable = "parked_tiers"

    /// Parks `parking.tier`, replacing an earlier parking of it.
    public func park(_ parking: TierParking) throws {
        try write("park tier \(parking.tier)") { db in
            try db.execute(sql: """
                INSERT INTO \(Self.parkingTable) (tier, until, zone, reason, raw_text, parked_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(tier) DO UPDATE SET until = excluded.until, zone = excluded.zone, reason = excluded.reason,
                  raw_text = excluded.raw_text, parked_at = excluded.parked_at
                """, arguments: [parking.tier, Self.timestamp(parking.until), parking.zone.identifier, parking.reason,
                                 parking.rawText, Self.timestamp(parking.parkedAt)])
        }
    }

    /// Clears `tier`'s parking; true when there was one.
    @discardableResult
    public func unpark(_ tier: String) throws -> Bool {
        var removed = false
        try write("unpark tier \(tier)") { db in
            try db.execute(sql: "DELETE FROM \(Self.parkingTable) WHERE tier = ?", arguments: [tier])
            removed = db.changesCount > 0
        }
        return removed
    }

    /// `tier`'s parking, passed or not; nil when it is not parked.
    public func parking(of tier: String) throws -> TierParking? {
        try read("read the parking of \(tier) from") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM \(Self.parkingTable) WHERE tier = ?", arguments: [tier]).map(Self.parking(from:))
        }
    }

    /// Every parked tier, by name.
    public func parkedTiers() throws -> [TierParking] {
        try read("read the parked tiers from") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(Self.parkingTable) ORDER BY tier").map(Self.parking(from:))
        }
    }

    static func parking(from row: Row) -> TierParking {
        let until: String = row["until"]
        let parkedAt: String = row["parked_at"]
        let zone: String? = row["zone"]
        // A row edited by hand with an unreadable time counts as passed (the tier is tried again).
        return TierParking(tier: row["tier"], until: date(until) ?? Date(timeIntervalSince1970: 0),
                           zone: zone.flatMap(TimeZone.init(identifier:)) ?? .current, reason: row["reason"] ?? "usage limit",
                           rawText: row["raw_text"], parkedAt: date(parkedAt) ?? Date(timeIntervalSince1970: 0))
    }
}
