import Dispatch
import Synchronization

/// One reusable HTTP connection: a libcurl easy handle used from its own serial queue, so
/// blocking transfers never run on Swift's cooperative thread pool. Requests on one
/// connection run one at a time; the client keeps a pool for parallel requests.
final class HTTPConnection: Sendable {
    private let queue: DispatchQueue
    private let easy: Mutex<EasyHandle>

    init(label: String) throws(CurlError) {
        queue = DispatchQueue(label: "escalator.http.\(label)")
        easy = Mutex(try EasyHandle())
    }

    /// Sends `request`; `sink`, if given, receives a 2xx body as it streams in (and the
    /// returned body is then empty). Cancelling the task aborts the transfer.
    func send(_ request: HTTPRequest, sink: TransferContext.Sink? = nil) async throws -> HTTPResponse {
        let context = TransferContext(sink: sink)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                queue.async {
                    continuation.resume(with: Result { () throws(CurlError) -> HTTPResponse in
                        try self.easy.withLock { (handle) throws(CurlError) -> HTTPResponse in
                            try handle.perform(request, context: context)
                        }
                    })
                }
            }
        } onCancel: {
            context.cancelled.store(true, ordering: .relaxed)
        }
    }
}
