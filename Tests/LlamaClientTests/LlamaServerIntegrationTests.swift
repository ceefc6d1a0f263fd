import Foundation
import TestSupport
import Testing
@testable import LlamaClient

/// Against a real llama-server with the small model. Skipped when it is not installed, except in
/// CI (CI=true), where a missing part fails the test.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(LlamaServerFixture.isAvailable)))
struct LlamaServerIntegrationTests {
    func client(_ url: String, connectMs: Int = 1000, totalMs: Int = 60_000) -> LlamaServerClient {
        LlamaServerClient(configuration: .init(baseURL: url, connectTimeoutMs: connectMs, requestTimeoutMs: totalMs))
    }

    @Test func healthWaitRidesThroughTheLoadingPhase() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let c = client(server.url)
        // Poll every 10 ms from spawn: first refused, then 503 "Loading model" for about a second.
        var sawLoading = false
        let start = ContinuousClock.now
        polling: while ContinuousClock.now - start < .seconds(60) {
            do {
                try await c.health()
                break polling
            } catch let e as LlamaError where e.code == .loading {
                sawLoading = true
                break polling
            } catch let e as LlamaError where e.code == .connectionRefused {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        #expect(sawLoading, "never saw the 503 loading phase")
        try await c.waitUntilReady(timeout: .seconds(60))
        try await c.health()
        let props = try await c.properties()
        #expect(props.totalSlots == 2)
        #expect(props.slotContext == 1024)
    }

    @Test func chatStreams() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let c = client(server.url)
        try await c.waitUntilReady(timeout: .seconds(60), whileRefused: true)
        var text = ""
        var count = 0
        for try await piece in c.streamChat(ChatRequest(messages: [.init(role: "user", content: "Say hello.")], maxTokens: 12, temperature: 0)) {
            text += piece
            count += 1
        }
        #expect(count > 1)
        #expect(!text.isEmpty)
    }

    @Test func promptOverTheContextIsATypedError() async throws {
        let server = try LlamaServerFixture(context: 512, parallel: 1)
        defer { server.stop() }
        let c = client(server.url)
        try await c.waitUntilReady(timeout: .seconds(60), whileRefused: true)
        let long = String(repeating: "word ", count: 2000)
        let error = try await #require(throws: LlamaError.self) { _ = try await c.complete(CompletionRequest(prompt: long, nPredict: 1)) }
        #expect(error.code == .contextExceeded)
        #expect(error.httpStatus == 400)
        #expect((error.promptTokens ?? 0) > (error.contextSize ?? .max))
    }

    @Test func cancellingAStreamStopsTheGeneration() async throws {
        let server = try LlamaServerFixture(parallel: 1)
        defer { server.stop() }
        let c = client(server.url)
        try await c.waitUntilReady(timeout: .seconds(60), whileRefused: true)
        let pieces = PieceCounter()
        let task = Task {
            for try await event in c.streamCompletion(CompletionRequest(prompt: "Once upon a time", nPredict: 2000)) {
                if case .text = event { pieces.add() }
            }
        }
        try await waitUntil("the first streamed tokens", timeout: 30) { pieces.count >= 3 }
        task.cancel()
        _ = await task.result
        let atCancel = pieces.count
        #expect(atCancel < 2000)
        // The server frees the slot: no slot keeps generating the remaining ~2000 tokens (about 40 s).
        let slots = try HTTPConnection(label: "slots")
        try await waitUntil("llama-server to stop generating after the cancel", timeout: 10) {
            let response = try await slots.send(HTTPRequest(method: .get, url: server.url + "/slots", connectTimeoutMs: 1000, totalTimeoutMs: 5000))
            let list = try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]] ?? []
            return !list.isEmpty && list.allSatisfy { ($0["is_processing"] as? Bool) == false }
        }
        let quick = try await c.complete(CompletionRequest(prompt: "Hi", nPredict: 1))
        #expect(quick.tokensPredicted == 1)
    }

    @Test func connectionsAreReused() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        try await client(server.url).waitUntilReady(timeout: .seconds(60), whileRefused: true)
        let connection = try HTTPConnection(label: "reuse")
        let request = HTTPRequest(method: .get, url: server.url + "/health", connectTimeoutMs: 1000, totalTimeoutMs: 5000)
        let first = try await connection.send(request)
        let second = try await connection.send(request)
        #expect(first.status == 200 && second.status == 200)
        #expect(first.newConnections == 1)
        #expect(second.newConnections == 0)
    }
}

/// Errors that need no llama-server: nothing listening, and a server that never answers.
@Suite struct LlamaClientFailureTests {
    @Test func downServerIsConnectionRefusedWithinTheConnectTimeout() async throws {
        let port = try freeLoopbackPort()
        let c = LlamaServerClient(configuration: .init(baseURL: "http://127.0.0.1:\(port)", connectTimeoutMs: 500))
        let start = ContinuousClock.now
        let error = try await #require(throws: LlamaError.self) { try await c.health() }
        #expect(error.code == .connectionRefused)
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(error.description.contains("llama-server"))
    }

    @Test func silentServerHitsTheTotalTimeout() async throws {
        // A listening socket that accepts the TCP handshake (kernel backlog) but never answers.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        listen(fd, 4)
        let c = LlamaServerClient(configuration: .init(baseURL: "http://127.0.0.1:\(UInt16(bigEndian: addr.sin_port))",
                                                       connectTimeoutMs: 500, requestTimeoutMs: 400))
        let error = try await #require(throws: LlamaError.self) { try await c.health() }
        #expect(error.code == .timeout)
    }
}
