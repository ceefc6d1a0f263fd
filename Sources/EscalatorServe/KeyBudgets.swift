import Foundation
import Routing
import Synchronization

/// The bearer keys `serve` accepts and what each has spent today (UTC), so a key's daily
/// budget holds whatever tier answers: a request reserves the estimate of the dearest tier it
/// may reach, the measured (else estimated) cost replaces the reservation once it is answered,
/// and a key with nothing left is refused.
final class KeyBudgets: Sendable {
    private struct Spend { var day: String; var spent: Double; var reserved: Double }
    private let keys: [String: Double?]
    private let spend = Mutex<[String: Spend]>([:])

    init(_ keys: [ServeKey]) {
        self.keys = Dictionary(keys.map { ($0.key, $0.dailyBudgetUsd) }, uniquingKeysWith: { first, _ in first })
    }

    var required: Bool { !keys.isEmpty }

    /// The key of an `Authorization: Bearer KEY` (OpenAI) or `x-api-key: KEY` (Anthropic) header;
    /// nil when no keys are configured.
    func authenticate(bearer: String?, apiKey: String?) throws(ServeError) -> String? {
        guard required else { return nil }
        let given = bearer.flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? apiKey
        guard let given, !given.isEmpty else {
            throw ServeError(status: 401, type: "authentication_error",
                             message: "no API key: send Authorization: Bearer KEY (or x-api-key) with a key from [serve.keys]")
        }
        guard keys[given] != nil else {
            throw ServeError(status: 401, type: "authentication_error", message: "the API key is not one of [serve.keys]")
        }
        return given
    }

    /// What `key` may still spend today (nil: unlimited).
    func left(_ key: String?, now: Date = Date()) -> Double? {
        guard let key, let budget = keys[key] ?? nil else { return nil }
        return spend.withLock { all in
            let today = Self.day(now)
            let s = all[key].flatMap { $0.day == today ? $0 : nil } ?? Spend(day: today, spent: 0, reserved: 0)
            return budget - s.spent - s.reserved
        }
    }

    func reserve(_ key: String?, _ amount: Double, now: Date = Date()) {
        change(key, now: now) { $0.reserved += amount }
    }

    func settle(_ key: String?, reserved: Double, actual: Double, now: Date = Date()) {
        change(key, now: now) { $0.reserved -= reserved; $0.spent += actual }
    }

    private func change(_ key: String?, now: Date, _ body: (inout Spend) -> Void) {
        guard let key, keys[key] != nil else { return }
        spend.withLock { all in
            let today = Self.day(now)
            var s = all[key].flatMap { $0.day == today ? $0 : nil } ?? Spend(day: today, spent: 0, reserved: 0)
            body(&s)
            s.reserved = max(0, s.reserved)
            all[key] = s
        }
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return "\(c.year!)-\(c.month!)-\(c.day!)"
    }
}
