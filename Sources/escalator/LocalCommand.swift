import ArgumentParser
import Foundation
import LlamaClient
import Routing

/// `escalator local`: the llama-server escalator starts and reuses itself.
struct LocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Show, start or stop the llama-server that escalator manages.",
        discussion: """
        When nothing answers at [local] url and [local] managed = auto, escalator starts llama-server \
        with [local] model on 127.0.0.1 at a free port and reuses it on later calls. Its pid, port and \
        log live under $XDG_STATE_HOME/escalator.
        """,
        subcommands: [Status.self, Start.self, Stop.self],
        defaultSubcommand: Status.self)

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say which llama-server escalator would use, and whether it answers.")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let context = try options.context()
            let settings = context.settings
            let configured = LocalEndpoint.client(url: settings.local.url, settings, logger: context.logger)
            var configuredState = "ready"
            do { try await configured.health() } catch let e as LlamaError { configuredState = "\(e.code)" }
            let managed = LocalEndpoint.managedServer(settings, logger: context.logger).current()
            var managedState = "not running"
            if let managed {
                let client = LocalEndpoint.client(url: managed.url, settings, logger: context.logger)
                do { try await client.health(); managedState = "ready" } catch let e as LlamaError { managedState = "\(e.code)" }
            }
            if json {
                struct Out: Encodable {
                    var configuredUrl: String; var configuredState: String
                    var managed: ManagedServerState?; var managedState: String
                }
                try JSONOutput.print(Out(configuredUrl: settings.local.url, configuredState: configuredState,
                                         managed: managed, managedState: managedState))
                return
            }
            print("configured  \(settings.local.url): \(configuredState)")
            if let managed {
                let uptime = Int(Date().timeIntervalSince(managed.startedAt))
                print("managed     \(managed.url): \(managedState) — pid \(managed.pid), up \(uptime) s")
                print("            model \(managed.modelPath)")
                print("            log   \(managed.logPath)")
            } else {
                print("managed     not running (started on demand with \(settings.local.model))")
            }
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start the managed llama-server now (or confirm it runs).")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let context = try options.context()
            try await CLIErrors.translating {
                let state = try await LocalEndpoint.managedServer(context.settings, logger: context.logger).ensureRunning()
                print("llama-server ready at \(state.url) (pid \(state.pid))")
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the managed llama-server (exactly the recorded pid).")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let context = try options.context()
            if let state = try LocalEndpoint.managedServer(context.settings, logger: context.logger).stop() {
                print("stopped llama-server pid \(state.pid) at \(state.url)")
            } else {
                print("no managed llama-server is running")
            }
        }
    }
}
