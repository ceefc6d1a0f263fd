// swift-tools-version:6.0
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode (from the tools version)
/// plus explicit `any` for existentials.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Escalator",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "escalator", targets: ["escalator"]),
        .executable(name: "claude-sim", targets: ["claude-sim"]),
        .library(name: "EscalatorKit", targets: ["LlamaClient", "Remote", "Agents", "Routing", "Evaluation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
    ],
    targets: [
        // C system libraries and shims only.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibSSH2", pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),
        .target(name: "CCurlShims", dependencies: ["CCurl"]),

        // Libraries, in dependency order: each may use only those above it.
        .target(name: "LlamaClient",
                dependencies: ["CCurl", "CCurlShims", .product(name: "Logging", package: "swift-log")],
                swiftSettings: swiftSettings),
        .target(name: "Remote",
                dependencies: ["CLibSSH2", .product(name: "Logging", package: "swift-log")],
                swiftSettings: swiftSettings),
        .target(name: "Agents",
                dependencies: ["Remote", .product(name: "Logging", package: "swift-log")],
                swiftSettings: swiftSettings),
        .target(name: "Routing",
                dependencies: ["LlamaClient", "Remote", "Agents", "TOMLKit", .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: swiftSettings),
        .target(name: "Evaluation",
                dependencies: ["Routing", .product(name: "Logging", package: "swift-log")],
                swiftSettings: swiftSettings),

        // `escalator serve`: OpenAI- and Anthropic-compatible HTTP over the one question path.
        .target(name: "EscalatorServe",
                dependencies: ["Routing", .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: swiftSettings),
        // Entry points beyond the CLI: the MCP server (tools ask/assess/stats over stdio).
        .target(name: "EscalatorMCP",
                dependencies: ["Routing", .product(name: "MCP", package: "swift-sdk"),
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: swiftSettings),

        // Executables: argument parsing and wiring only; and the stand-in agent.
        .executableTarget(name: "escalator",
                          dependencies: ["LlamaClient", "Remote", "Agents", "Routing", "Evaluation", "EscalatorServe", "EscalatorMCP",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         .product(name: "Logging", package: "swift-log")],
                          swiftSettings: swiftSettings),
        .executableTarget(name: "escalator-bench",
                          dependencies: ["LlamaClient", "Routing",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: swiftSettings),
        .executableTarget(name: "claude-sim",
                          dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: swiftSettings),
        // The Anthropic Messages API stand-in that the real Claude Code CLI talks to in tests and benchmarks.
        .executableTarget(name: "api-standin",
                          dependencies: ["LlamaClient", "CCurl", "CCurlShims",
                                         .product(name: "Hummingbird", package: "hummingbird"),
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: swiftSettings),

        // Tests. TestSupport holds the real-part fixtures (llama-server, sshd, tmux, built binaries).
        .target(name: "TestSupport", dependencies: [], path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "LlamaClientTests", dependencies: ["LlamaClient", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "RemoteTests", dependencies: ["Remote", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "AgentsTests", dependencies: ["Agents", "Remote", "TestSupport", .product(name: "Logging", package: "swift-log")],
                    exclude: ["Captures"],  // read from the source tree by RealCaptureCases
                    swiftSettings: swiftSettings),
        // RoutingTestSupport: the default tiers by name, shared by the test targets that route.
        .target(name: "RoutingTestSupport", dependencies: ["Routing"], path: "Tests/RoutingTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "RoutingTests", dependencies: ["Routing", "RoutingTestSupport", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "RoutingTestSupport", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "EscalatorCLITests", dependencies: ["Routing", "RoutingTestSupport", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "APIStandinTests", dependencies: ["TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "EscalatorMCPTests", dependencies: ["EscalatorMCP", "Routing", "RoutingTestSupport", "TestSupport",
                                                           .product(name: "MCP", package: "swift-sdk")],
                    swiftSettings: swiftSettings),
    ]
)
