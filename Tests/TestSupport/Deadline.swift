import Foundation

/// Raised when a condition did not become true before its deadline.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    public var what: String
    public var seconds: Double
    public var description: String { "timed out after \(seconds) s waiting for \(what)" }
}

/// Waits until `condition` returns true, polling with a short backoff, failing after `seconds`.
/// Tests use this instead of fixed sleeps: it returns as soon as the condition holds.
public func waitUntil(_ what: String, timeout seconds: Double = 10,
                      _ condition: () async throws -> Bool) async throws {
    let start = ContinuousClock.now
    var pause = Duration.milliseconds(5)
    while true {
        if try await condition() { return }
        if ContinuousClock.now - start > .milliseconds(Int(seconds * 1000)) {
            throw DeadlineExceeded(what: what, seconds: seconds)
        }
        try await Task.sleep(for: pause)
        pause = min(pause * 2, .milliseconds(200))
    }
}
