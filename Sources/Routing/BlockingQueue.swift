import Foundation

/// A serial dispatch queue for work that blocks a thread (a durable append's `fsync`, a GRDB write
/// waiting on SQLite's busy timeout), bridged to async callers with a continuation, so that the
/// work never occupies a thread of Swift's small cooperative pool. The libcurl layer does the
/// same with one queue per connection (`HTTPConnection`).
public final class BlockingQueue: Sendable {
    private let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Runs `body` on the queue and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
