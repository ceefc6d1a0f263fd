import Synchronization

/// The tool calls running now, each as its own task, so a shutdown (stdin closed, SIGTERM)
/// can interrupt them and wait until each has recorded its question as failed, as Ctrl-C of
/// `escalator ask` does, instead of exiting under them.
final class InFlightCalls: Sendable {
    private struct Entry: Sendable {
        var cancel: @Sendable () -> Void
        var wait: @Sendable () async -> Void
    }

    private let entries = Mutex<[Int: Entry]>([:])
    private let nextID = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)

    /// True once ``cancelAll(waitingAtMost:)`` began: a call ending now was interrupted.
    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Runs `body` as a tracked task; cancelling the caller (the client's
    /// `notifications/cancelled`) cancels it.
    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let work = Task { try await body() }
        entries.withLock { $0[id] = Entry(cancel: { work.cancel() }, wait: { _ = try? await work.value }) }
        defer { _ = entries.withLock { $0.removeValue(forKey: id) } }
        return try await withTaskCancellationHandler {
            try await work.value
        } onCancel: {
            work.cancel()
        }
    }

    var count: Int { entries.withLock { $0.count } }

    /// Cancels every running call and waits for them to end, at most `timeout`.
    func cancelAll(waitingAtMost timeout: Duration) async {
        stopping.store(true, ordering: .relaxed)
        let running = entries.withLock { Array($0.values) }
        guard !running.isEmpty else { return }
        for entry in running { entry.cancel() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for entry in running { await entry.wait() } }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }
}
