import ArgumentParser
import Foundation
import LlamaClient
import Routing

/// Benchmarks for `make bench`. Each prints raw samples (milliseconds, one per line) or a
/// table; `.ci/bench.sh` starts the real parts and assembles the report.
@main
struct EscalatorBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalator-bench",
        abstract: "Benchmarks behind `make bench`.",
        subcommands: [AssessOverhead.self, RemoteOverhead.self])
}

/// Self-assessment overhead: the library's `Assessor.assess` against a bare POST of the very
/// same request body, warm cache, interleaved so both see the same machine load.
struct AssessOverhead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assess-overhead")

    @Option var url: String
    @Option var prompts: String
    @Option var runs = 50
    @Option(help: "Write the request body here (for the curl comparison).") var bodyFile: String?
    @Option var question = "What is the capital of France?"

    func run() async throws {
        let client = LlamaServerClient(configuration: .init(baseURL: url))
        try await client.waitUntilReady(timeout: .seconds(60), whileRefused: true)
        let assessor = Assessor(client: client, template: try PromptTemplate(directory: prompts), strategy: DigitScaleStrategy())
        let body = Array(try JSONEncoder().encode(try assessor.request(for: question)))
        if let bodyFile { try Data(body).write(to: URL(fileURLWithPath: bodyFile)) }
        // Warm the prompt cache and the connection pool.
        for _ in 0..<3 {
            _ = try await client.post("/completion", body: body)
            _ = try await assessor.assess(question)
        }
        var bare: [Double] = [], library: [Double] = []
        var generated = Set<Int>()
        for _ in 0..<runs {
            var start = ContinuousClock.now
            _ = try await client.post("/completion", body: body)
            bare.append((ContinuousClock.now - start).milliseconds)
            start = ContinuousClock.now
            let a = try await assessor.assess(question)
            library.append((ContinuousClock.now - start).milliseconds)
            generated.insert(a.generatedTokens)
        }
        print("bare_libcurl \(bare.map { String(format: "%.3f", $0) }.joined(separator: " "))")
        print("library_assess \(library.map { String(format: "%.3f", $0) }.joined(separator: " "))")
        print("generated_tokens \(generated.sorted().map(String.init).joined(separator: ","))")
    }
}
