import ArgumentParser
import Foundation
import LlamaClient
import Routing

/// `escalator doctor`: check each part and say what to do about each failure.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check each part escalator needs and say how to fix what is missing.",
        discussion: "Exits non-zero when a required part fails. Nothing is changed except that a managed llama-server may be started with --start.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Also start the managed llama-server if needed, to prove it starts.") var start = false

    struct Check {
        var name: String
        var ok: Bool
        var detail: String
        var fix: String? = nil
        var required = true
    }

    func run() async throws {
        var checks: [Check] = []
        let context: CommandContext
        do {
            context = try options.context()
            checks.append(Check(name: "config", ok: true, detail: context.settings.configFile ?? "no file; built-in defaults (write one with `escalator init`)"))
        } catch {
            checks.append(Check(name: "config", ok: false, detail: "\(error)", fix: "fix the file or run `escalator init --force`"))
            report(checks)
            throw ExitCode(1)
        }
        let settings = context.settings

        checks.append(Check(name: "libcurl", ok: CurlLibrary.isUsable, detail: CurlLibrary.version.map { "libcurl \($0)" } ?? "not usable",
                            fix: "apt-get install libcurl4-openssl-dev (or run `make setup`)"))
        do {
            let template = try context.template()
            checks.append(Check(name: "prompts", ok: true, detail: template.source))
        } catch {
            checks.append(Check(name: "prompts", ok: false, detail: "\(error)", fix: "set [assessment] prompts_dir"))
        }

        let configured = LocalEndpoint.client(url: settings.local.url, settings, logger: context.logger)
        var reachable = false
        do {
            try await configured.health()
            reachable = true
            checks.append(Check(name: "llama-server", ok: true, detail: "answers at \(settings.local.url)"))
        } catch let error as LlamaError {
            let managed = LocalEndpoint.managedServer(settings, logger: context.logger)
            if let state = managed.current() {
                reachable = true
                checks.append(Check(name: "llama-server", ok: true,
                                    detail: "\(settings.local.url): \(error.code); managed server pid \(state.pid) at \(state.url)"))
            } else {
                checks.append(Check(name: "llama-server", ok: settings.local.managed == "auto",
                                    detail: "\(settings.local.url): \(error.code); " +
                                        (settings.local.managed == "auto" ? "escalator will start one on demand" : "managed = never"),
                                    fix: "start llama-server at that URL or set [local] managed = \"auto\""))
            }
        }
        if !reachable || start {
            let server = LocalEndpoint.serverExecutable(settings)
            checks.append(Check(name: "llama-server binary", ok: server != nil, detail: server ?? "not found",
                                fix: "run `make setup` (builds it into .venv and links it to \(settings.paths.defaultServer)), or set [local] server"))
            let size = (try? FileManager.default.attributesOfItem(atPath: settings.local.model)[.size] as? Int) ?? nil
            checks.append(Check(name: "model file", ok: size != nil,
                                detail: size.map { "\(settings.local.model) (\($0 / 1_000_000) MB)" } ?? "\(settings.local.model) missing",
                                fix: "run `make setup` for the small default model, or set [local] model to a GGUF file"))
        }
        if start {
            do {
                let endpoint = try await context.endpoint()
                let props = try await endpoint.client.properties()
                checks.append(Check(name: "llama-server start", ok: true,
                                    detail: "ready at \(endpoint.client.configuration.baseURL), \(props.totalSlots ?? 0) slots of \(props.slotContext ?? 0) tokens"))
            } catch {
                checks.append(Check(name: "llama-server start", ok: false, detail: "\(error)", fix: "see the log named above"))
            }
        }

        let tmux = Self.which("tmux")
        checks.append(Check(name: "tmux", ok: tmux != nil, detail: tmux ?? "not found",
                            fix: "apt-get install tmux (needed for remote escalation)", required: false))
        let remote = settings.remote
        if remote.transport == "ssh" {
            checks.append(Check(name: "remote agent", ok: !remote.host.isEmpty,
                                detail: remote.host.isEmpty ? "transport ssh but remote.host is empty" : "`\(remote.command)` over SSH on \(remote.host) (checked when a question escalates)",
                                fix: "set remote.host; accept its key with `escalator trust-host HOST`", required: false))
        } else {
            let program = (try? CommandLineWords.split(remote.command).first) ?? nil
            let found = program.flatMap { Self.which($0) ?? (FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil) }
            checks.append(Check(name: "remote agent", ok: found != nil,
                                detail: found.map { _ in "`\(remote.command)` in local tmux sessions (socket \(remote.tmuxSocket))" }
                                    ?? "`\(remote.command)` not found: escalated questions are answered locally (degraded)",
                                fix: "install Claude Code, or set remote.command (e.g. the claude-sim stand-in), or remote.transport = \"ssh\"",
                                required: false))
        }
        report(checks)
        if checks.contains(where: { !$0.ok && $0.required }) { throw ExitCode(1) }
    }

    func report(_ checks: [Check]) {
        for check in checks {
            let mark = check.ok ? "ok  " : (check.required ? "FAIL" : "warn")
            print("\(mark) \(check.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(check.detail)")
            if !check.ok, let fix = check.fix { print("     \(String(repeating: " ", count: 20)) fix: \(fix)") }
        }
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
