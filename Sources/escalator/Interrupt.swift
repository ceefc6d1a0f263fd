import Dispatch
import Foundation

/// Ctrl-C (SIGINT) cancels the running work instead of killing the process, so an agent's turn
/// is interrupted with Escape and nothing is left half-recorded.
enum Interrupt {
    static func cancellingOnSIGINT<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        signal(SIGINT, SIG_IGN)
        let work = Task { try await body() }
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { work.cancel() }
        source.resume()
        defer {
            source.cancel()
            signal(SIGINT, SIG_DFL)
        }
        return try await work.value
    }
}
