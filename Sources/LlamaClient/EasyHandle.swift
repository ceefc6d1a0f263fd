import CCurl
import CCurlShims

/// libcurl's global initialisation, done exactly once (Swift initialises `static let` once).
enum CurlGlobal {
    static let initCode: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))
}

/// Owner of one libcurl easy handle. Keeping the handle alive between requests lets libcurl
/// reuse the HTTP/1.1 connection. Blocking: call only from the owning connection's queue.
struct EasyHandle: ~Copyable {
    private let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws(CurlError) {
        guard CurlGlobal.initCode == CURLE_OK else {
            throw CurlError(code: CurlGlobal.initCode, call: "curl_global_init", message: "libcurl failed to initialise")
        }
        guard let handle = curl_easy_init() else {
            throw CurlError(code: CURLE_FAILED_INIT, call: "curl_easy_init", message: "could not create a handle")
        }
        raw = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Performs `request`, delivering body bytes to `context`. Blocking.
    func perform(_ request: HTTPRequest, context: TransferContext) throws(CurlError) -> HTTPResponse {
        curl_easy_reset(raw)
        errorBuffer[0] = 0
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeRawPointer(errorBuffer))
        try check(request.url.withCString { esc_easy_setopt_ptr(raw, CURLOPT_URL, $0) }, "CURLOPT_URL")
        try set(CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMs)
        try set(CURLOPT_TIMEOUT_MS, request.totalTimeoutMs)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        switch request.method {
        case .get:
            try set(CURLOPT_HTTPGET, 1)
        case .post:
            let body = request.body ?? []
            try set(CURLOPT_POST, 1)
            try check(esc_easy_setopt_off_t(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "CURLOPT_POSTFIELDSIZE_LARGE")
            // COPYPOSTFIELDS copies the bytes, so the buffer need not outlive this call.
            try check(body.withUnsafeBytes { esc_easy_setopt_ptr(raw, CURLOPT_COPYPOSTFIELDS, $0.baseAddress ?? UnsafeRawPointer(errorBuffer)) },
                      "CURLOPT_COPYPOSTFIELDS")
        }
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        for header in request.headers { headers = curl_slist_append(headers, header) }
        defer { curl_slist_free_all(headers) }
        try set(CURLOPT_HTTPHEADER, pointer: UnsafeRawPointer(headers))

        let box = Unmanaged.passUnretained(context).toOpaque()
        try check(esc_easy_setopt_write_cb(raw, CURLOPT_WRITEFUNCTION, { data, size, count, user in
            guard let data, let user else { return 0 }
            let context = Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
            let n = size * count
            // The header callback below has recorded the status line by the time body bytes flow.
            let status = context.status.load(ordering: .relaxed)
            let buffer = UnsafeBufferPointer(start: UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: n)
            return context.append(buffer, status: status) ? n : 0
        }), "CURLOPT_WRITEFUNCTION")
        try set(CURLOPT_WRITEDATA, pointer: UnsafeRawPointer(box))
        try check(esc_easy_setopt_write_cb(raw, CURLOPT_HEADERFUNCTION, { data, size, count, user in
            guard let data, let user else { return 0 }
            let n = size * count
            // Status line: "HTTP/1.1 200 OK". Record the code so the body callback can route bytes.
            let line = String(decoding: UnsafeBufferPointer(start: UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: n), as: UTF8.self)
            if line.hasPrefix("HTTP/") {
                let parts = line.split(separator: " ")
                if parts.count >= 2, let code = Int(parts[1]) {
                    Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue().status.store(code, ordering: .relaxed)
                }
            }
            return n
        }), "CURLOPT_HEADERFUNCTION")
        try set(CURLOPT_HEADERDATA, pointer: UnsafeRawPointer(box))
        try set(CURLOPT_NOPROGRESS, 0)
        try check(esc_easy_setopt_xferinfo_cb(raw, { user, _, _, _, _ in
            guard let user else { return 0 }
            return Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue().cancelled.load(ordering: .relaxed) ? 1 : 0
        }), "CURLOPT_XFERINFOFUNCTION")
        try set(CURLOPT_XFERINFODATA, pointer: UnsafeRawPointer(box))

        let code = withExtendedLifetime(context) { curl_easy_perform(raw) }
        _ = esc_easy_setopt_ptr(raw, CURLOPT_HTTPHEADER, nil)
        if code != CURLE_OK {
            let text = String(cString: errorBuffer)
            throw CurlError(code: code, call: "curl_easy_perform",
                            message: text.isEmpty ? String(cString: curl_easy_strerror(code)) : text)
        }
        var status = 0, connects = 0
        _ = esc_easy_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &status)
        _ = esc_easy_getinfo_long(raw, CURLINFO_NUM_CONNECTS, &connects)
        return HTTPResponse(status: status, body: context.body, newConnections: connects)
    }

    private func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(esc_easy_setopt_long(raw, option, value), "\(option)")
    }

    private func set(_ option: CURLoption, pointer: UnsafeRawPointer?) throws(CurlError) {
        try check(esc_easy_setopt_ptr(raw, option, pointer), "\(option)")
    }

    private func check(_ code: CURLcode, _ call: String) throws(CurlError) {
        guard code == CURLE_OK else {
            throw CurlError(code: code, call: "curl_easy_setopt(\(call))", message: String(cString: curl_easy_strerror(code)))
        }
    }
}
