import Synchronization

/// How many requests are answered at once, and how many may wait: each admitted request holds
/// one session number (0..<concurrency), so two requests never share an agent session's turn;
/// up to `queue` more wait in arrival order; beyond that a request is refused (HTTP 429).
final class Admission: Sendable {
    private struct State {
        var free: [Int]
        var waiting: [CheckedContinuation<Int, Never>] = []
    }

    let concurrency: Int
    let queue: Int
    private let state: Mutex<State>

    init(concurrency: Int, queue: Int) {
        self.concurrency = concurrency
        self.queue = queue
        state = Mutex(State(free: Array(0..<concurrency)))
    }

    /// Waits for a session number; throws a 429 at once when the queue is full.
    func enter() async throws(ServeError) -> Int {
        enum Entry { case now(Int), wait, full }
        var decided = Entry.wait
        let number = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let entry = state.withLock { s -> Entry in
                if !s.free.isEmpty { return .now(s.free.removeFirst()) }
                if s.waiting.count >= queue { return .full }
                s.waiting.append(continuation)
                return .wait
            }
            decided = entry
            switch entry {
            case .now(let n): continuation.resume(returning: n)
            case .full: continuation.resume(returning: -1)
            case .wait: break
            }
        }
        if case .full = decided {
            throw ServeError(status: 429, type: "rate_limit_error",
                             message: "escalator is answering \(concurrency) requests and has \(queue) waiting; retry shortly",
                             retryAfterSeconds: 2)
        }
        return number
    }

    /// Takes session `preferred` if it is free now (a conversation's own session), else nil.
    func enter(preferring preferred: Int) -> Int? {
        state.withLock { s in
            guard let index = s.free.firstIndex(of: preferred) else { return nil }
            s.free.remove(at: index)
            return preferred
        }
    }

    /// Gives `number` back: to the first waiting request, else to the free list.
    func leave(_ number: Int) {
        let next = state.withLock { s -> CheckedContinuation<Int, Never>? in
            if s.waiting.isEmpty { s.free.append(number); return nil }
            return s.waiting.removeFirst()
        }
        next?.resume(returning: number)
    }

    /// Requests answered now and waiting (for /health).
    var load: (active: Int, waiting: Int) {
        state.withLock { (concurrency - $0.free.count, $0.waiting.count) }
    }
}
