import Foundation

/// A thread-safe counter for callbacks that run off the test's task (streamed pieces).
public final class PieceCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    public init() {}

    public func add() { lock.lock(); value += 1; lock.unlock() }

    public var count: Int { lock.lock(); defer { lock.unlock() }; return value }
}
