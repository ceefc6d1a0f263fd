import Synchronization

/// State shared between one libcurl transfer and its C callbacks: the body collected so
/// far, an optional streaming sink, and the cancellation flag that the progress callback reads.
final class TransferContext: Sendable {
    /// Called on the transfer's queue with each chunk of a successful (2xx) response body;
    /// returning false stops the transfer.
    typealias Sink = @Sendable ([UInt8]) -> Bool

    let sink: Sink?
    let cancelled = Atomic<Bool>(false)
    private let collected = Mutex<[UInt8]>([])
    /// The HTTP status once the first body byte arrived (0 before).
    let status = Atomic<Int>(0)

    init(sink: Sink?) { self.sink = sink }

    func append(_ bytes: UnsafeBufferPointer<UInt8>, status: Int) -> Bool {
        self.status.store(status, ordering: .relaxed)
        if let sink, (200..<300).contains(status) { return sink(Array(bytes)) }
        collected.withLock { $0.append(contentsOf: bytes) }
        return true
    }

    var body: [UInt8] { collected.withLock { $0 } }
}
