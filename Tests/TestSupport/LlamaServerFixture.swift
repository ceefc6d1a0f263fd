import Foundation

/// A real llama-server with the small test model, started for one test on a free loopback
/// port and stopped by its recorded pid. Spawned with a clean signal mask (a Foundation `Process`
/// would pass on a blocked SIGTERM, and the server would ignore its stop signal). The binary comes from `ESCALATOR_LLAMA_SERVER` (set by
/// `make test`) or `~/.cache/escalator/bin/llama-server`; the model from `ESCALATOR_TEST_MODEL`
/// or `~/.cache/escalator/models/gemma-3-270m-q4_k_m.gguf` (both installed by `make setup`).
public final class LlamaServerFixture: @unchecked Sendable {
    public let process: SpawnedProcess
    public let port: Int
    public let directory: TemporaryDirectory
    public var url: String { "http://127.0.0.1:\(port)" }

    public static var serverPath: String {
        ProcessInfo.processInfo.environment["ESCALATOR_LLAMA_SERVER"]
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache/escalator/bin/llama-server")
    }

    public static var modelPath: String {
        ProcessInfo.processInfo.environment["ESCALATOR_TEST_MODEL"]
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache/escalator/models/gemma-3-270m-q4_k_m.gguf")
    }

    /// True when both the server binary and the model are installed.
    public static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: serverPath) && FileManager.default.isReadableFile(atPath: modelPath)
    }

    /// Starts the server and waits until its port accepts connections (the model may still be
    /// loading: wait on `/health` for readiness).
    public init(context: Int = 2048, parallel: Int = 2, extraArguments: [String] = []) throws {
        guard Self.isAvailable else {
            throw RealPart.Missing(part: "llama-server and the test model (\(Self.serverPath), \(Self.modelPath))",
                                   fix: "run `make setup`")
        }
        directory = try TemporaryDirectory(prefix: "llama-fixture")
        port = try freeLoopbackPort()
        process = try SpawnedProcess(Self.serverPath,
                                     ["-m", Self.modelPath, "--host", "127.0.0.1", "--port", String(port),
                                      "-c", String(context), "-np", String(parallel), "--swa-full", "--no-ui",
                                      "--log-file", directory.file("server.log")] + extraArguments)
        // llama-server opens its port before loading the model (it answers 503 meanwhile). Wait for
        // the port, so a client started right away sees "loading", not "connection refused".
        let deadline = Date().addingTimeInterval(30)
        while !loopbackAccepts(port: port), process.isRunning, Date() < deadline { usleep(5_000) }
    }

    public func stop() {
        process.stop()
        directory.remove()
    }

    deinit { stop() }
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
public func loopbackAccepts(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw RealPart.Missing(part: "a socket", fix: "check system limits") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) { p in
        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard ok else { throw RealPart.Missing(part: "a free loopback port", fix: "check the loopback interface") }
    return Int(UInt16(bigEndian: addr.sin_port))
}
