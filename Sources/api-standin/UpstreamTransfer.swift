import CCurl
import CCurlShims
import Dispatch
import Foundation
import Synchronization

/// One streamed HTTP POST to the passthrough upstream over libcurl.
///
/// Why not `LlamaServerClient`: its public API decodes llama-server's own `/completion` and
/// `/v1/chat/completions` answers (or returns a whole body and throws on non-2xx), while the
/// stand-in must relay `/v1/messages` bytes, status and content type unchanged as they arrive.
/// The byte-level transport it is built on (`HTTPConnection`, `EasyHandle`) is internal to
/// LlamaClient, so this type drives the same `CCurl`/`CCurlShims` targets the same way: the
/// blocking `curl_easy_perform` runs on the transfer's own dispatch queue, never on Swift's
/// cooperative pool, and a progress callback aborts it when the client goes away.
final class UpstreamTransfer: Sendable {
    /// The status line and content type, known when the first body byte (or the end) arrives.
    struct Head: Sendable {
        var status: Int
        var contentType: String?
    }

    /// The response head and then its body as it streams in.
    struct Response: Sendable {
        var head: Head
        var body: AsyncThrowingStream<[UInt8], any Error>
    }

    private let queue: DispatchQueue
    private let status = Atomic<Int>(0)
    private let contentType = Mutex<String?>(nil)
    private let cancelled = Atomic<Bool>(false)
    private let headWaiter = Mutex<CheckedContinuation<Head, any Error>?>(nil)
    private let bodyStream: AsyncThrowingStream<[UInt8], any Error>
    private let bodyContinuation: AsyncThrowingStream<[UInt8], any Error>.Continuation

    private init(label: String) {
        queue = DispatchQueue(label: "api-standin.upstream.\(label)")
        (bodyStream, bodyContinuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
    }

    /// Posts `body` (JSON) to `url` and returns once the upstream's status is known.
    /// Ending the iteration of the body (or cancelling the calling task) aborts the transfer.
    static func post(url: String, body: [UInt8], label: String, connectTimeoutMs: Int = 2_000,
                     totalTimeoutMs: Int = 600_000) async throws -> Response {
        let transfer = UpstreamTransfer(label: label)
        transfer.bodyContinuation.onTermination = { [transfer] _ in
            transfer.cancelled.store(true, ordering: .relaxed)
        }
        let head = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Head, any Error>) in
                transfer.headWaiter.withLock { $0 = continuation }
                transfer.queue.async {
                    transfer.perform(url: url, body: body, connectTimeoutMs: connectTimeoutMs,
                                     totalTimeoutMs: totalTimeoutMs)
                }
            }
        } onCancel: {
            transfer.cancelled.store(true, ordering: .relaxed)
        }
        return Response(head: head, body: transfer.bodyStream)
    }

    // MARK: On the transfer's queue

    private func resumeHead(with result: Result<Head, any Error>) {
        let waiter = headWaiter.withLock { waiter -> CheckedContinuation<Head, any Error>? in
            defer { waiter = nil }
            return waiter
        }
        waiter?.resume(with: result)
    }

    private var currentHead: Head {
        Head(status: status.load(ordering: .relaxed), contentType: contentType.withLock { $0 })
    }

    private func perform(url: String, body: [UInt8], connectTimeoutMs: Int, totalTimeoutMs: Int) {
        do throws(UpstreamError) {
            try CurlOnce.check()
            guard let handle = curl_easy_init() else { throw UpstreamError(url: url, message: "curl_easy_init failed") }
            defer { curl_easy_cleanup(handle) }
            var headers: UnsafeMutablePointer<curl_slist>? = nil
            for header in ["Content-Type: application/json", "Accept: application/json, text/event-stream"] {
                headers = curl_slist_append(headers, header)
            }
            defer { curl_slist_free_all(headers) }
            let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
            errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
            defer { errorBuffer.deallocate() }
            let box = Unmanaged.passUnretained(self).toOpaque()

            func check(_ code: CURLcode, _ what: String) throws(UpstreamError) {
                guard code == CURLE_OK else {
                    throw UpstreamError(url: url, message: "\(what): \(String(cString: curl_easy_strerror(code)))")
                }
            }
            try check(esc_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
            try check(esc_easy_setopt_ptr(handle, CURLOPT_ERRORBUFFER, UnsafeRawPointer(errorBuffer)), "CURLOPT_ERRORBUFFER")
            try check(url.withCString { esc_easy_setopt_ptr(handle, CURLOPT_URL, $0) }, "CURLOPT_URL")
            try check(esc_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMs), "CURLOPT_CONNECTTIMEOUT_MS")
            try check(esc_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, totalTimeoutMs), "CURLOPT_TIMEOUT_MS")
            try check(esc_easy_setopt_long(handle, CURLOPT_POST, 1), "CURLOPT_POST")
            try check(esc_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "CURLOPT_POSTFIELDSIZE_LARGE")
            try check(body.withUnsafeBytes { esc_easy_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress ?? UnsafeRawPointer(errorBuffer)) },
                      "CURLOPT_COPYPOSTFIELDS")
            try check(esc_easy_setopt_ptr(handle, CURLOPT_HTTPHEADER, UnsafeRawPointer(headers)), "CURLOPT_HTTPHEADER")
            try check(esc_easy_setopt_write_cb(handle, CURLOPT_HEADERFUNCTION, { data, size, count, user in
                guard let data, let user else { return 0 }
                let n = size * count
                let line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self)
                Unmanaged<UpstreamTransfer>.fromOpaque(user).takeUnretainedValue().headerLine(line)
                return n
            }), "CURLOPT_HEADERFUNCTION")
            try check(esc_easy_setopt_ptr(handle, CURLOPT_HEADERDATA, UnsafeRawPointer(box)), "CURLOPT_HEADERDATA")
            try check(esc_easy_setopt_write_cb(handle, CURLOPT_WRITEFUNCTION, { data, size, count, user in
                guard let data, let user else { return 0 }
                let n = size * count
                let bytes = Array(UnsafeRawBufferPointer(start: data, count: n))
                return Unmanaged<UpstreamTransfer>.fromOpaque(user).takeUnretainedValue().received(bytes) ? n : 0
            }), "CURLOPT_WRITEFUNCTION")
            try check(esc_easy_setopt_ptr(handle, CURLOPT_WRITEDATA, UnsafeRawPointer(box)), "CURLOPT_WRITEDATA")
            try check(esc_easy_setopt_long(handle, CURLOPT_NOPROGRESS, 0), "CURLOPT_NOPROGRESS")
            try check(esc_easy_setopt_xferinfo_cb(handle, { user, _, _, _, _ in
                guard let user else { return 0 }
                return Unmanaged<UpstreamTransfer>.fromOpaque(user).takeUnretainedValue().cancelled.load(ordering: .relaxed) ? 1 : 0
            }), "CURLOPT_XFERINFOFUNCTION")
            try check(esc_easy_setopt_ptr(handle, CURLOPT_XFERINFODATA, UnsafeRawPointer(box)), "CURLOPT_XFERINFODATA")

            let code = withExtendedLifetime(self) { curl_easy_perform(handle) }
            guard code == CURLE_OK else {
                let text = String(cString: errorBuffer)
                throw UpstreamError(url: url, message: text.isEmpty ? String(cString: curl_easy_strerror(code)) : text)
            }
            resumeHead(with: .success(currentHead))
            bodyContinuation.finish()
        } catch {
            resumeHead(with: .failure(error))
            bodyContinuation.finish(throwing: error)
        }
    }

    /// Header callback: a status line starts a new response (after a `100 Continue`, say).
    private func headerLine(_ line: String) {
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ")
            if parts.count >= 2, let code = Int(parts[1]) { status.store(code, ordering: .relaxed) }
            contentType.withLock { $0 = nil }
        } else if let colon = line.firstIndex(of: ":"),
                  line[..<colon].lowercased() == "content-type" {
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            contentType.withLock { $0 = value }
        }
    }

    /// Write callback: the first bytes release the head, then every chunk goes to the body.
    private func received(_ bytes: [UInt8]) -> Bool {
        if cancelled.load(ordering: .relaxed) { return false }
        resumeHead(with: .success(currentHead))
        bodyContinuation.yield(bytes)
        return true
    }
}

/// libcurl's global initialisation, done once (Swift initialises a `static let` exactly once).
private enum CurlOnce {
    static let code: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    static func check() throws(UpstreamError) {
        guard code == CURLE_OK else { throw UpstreamError(url: "", message: "libcurl failed to initialise") }
    }
}

/// The passthrough upstream could not be reached or broke off.
struct UpstreamError: Error, CustomStringConvertible {
    var url: String
    var message: String
    var description: String { "passthrough to \(url) failed: \(message)" }
}
