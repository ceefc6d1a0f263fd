import Synchronization

/// Which tier and agent session answered each conversation last, so a follow-up (a request whose
/// earlier messages are that conversation, answer included) goes to the same tier and, on a
/// remote tier, to the same agent session without `/clear`: the agent keeps its context. A
/// conversation is known by a hash of its messages; a session another conversation used since is
/// no longer its own, and the follow-up is then folded into one prompt instead.
final class Conversations: Sendable {
    struct Seat: Sendable, Hashable {
        var tier: String
        var session: Int
    }

    private struct State {
        var seats: [UInt64: Seat] = [:]
        /// The conversation each seat holds now.
        var holders: [Seat: UInt64] = [:]
    }
    private let state = Mutex(State())
    /// Conversations remembered at most (the oldest are forgotten first).
    let capacity: Int

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// The seat that answered `earlier` (a request's messages before its last), if it still holds it.
    func seat(after earlier: [ChatRequest.Message], system: String?) -> Seat? {
        let key = Self.key(earlier, system: system)
        return state.withLock { s in
            guard let seat = s.seats[key] else { return nil }
            return seat.tier == "local" || s.holders[seat] == key ? seat : nil
        }
    }

    /// Records that `seat` answered `messages` with `answer`: the follow-up's earlier messages.
    func record(_ messages: [ChatRequest.Message], answer: String, system: String?, seat: Seat) {
        let key = Self.key(messages + [ChatRequest.Message(role: .assistant, text: answer)], system: system)
        state.withLock { s in
            if s.seats.count >= capacity { s.seats.removeAll(keepingCapacity: true) }
            s.seats[key] = seat
            if seat.tier != "local" { s.holders[seat] = key }
        }
    }

    /// FNV-1a over the system prompt and each message's role and text (stable across runs).
    static func key(_ messages: [ChatRequest.Message], system: String?) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            hash = (hash ^ 0xff) &* 0x100_0000_01b3
        }
        mix(system ?? "")
        for message in messages { mix(message.role.rawValue); mix(message.text) }
        return hash
    }
}
