import ArgumentParser
import Foundation
import Logging
import Remote
import Routing

/// Options every command shares: where the config is, the most common overrides, and verbosity.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Config file (default: $XDG_CONFIG_HOME/escalator/config.toml, or $ESCALATOR_CONFIG).",
                                            valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("URL of a running llama-server (overrides [local] url).", valueName: "url"))
    var localURL: String?

    @Option(name: .long, help: ArgumentHelp("GGUF model for the llama-server escalator starts itself (overrides [local] model).",
                                            valueName: "path"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Self-assessment strategy: digit-scale or yes-no (overrides [assessment] strategy).",
                                            valueName: "name"))
    var strategy: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override any setting, e.g. --set thresholds.local_min=0.7 (repeatable).",
                                                          valueName: "key=value"))
    var settings: [String] = []

    @Flag(name: .shortAndLong, help: "Log what happens to standard error (-v debug, -vv trace).")
    var verbose: Int

    /// The overrides given by flags, in the order they apply.
    func overrides() throws -> [(key: String, value: String)] {
        var list: [(key: String, value: String)] = []
        if let localURL { list.append(("local.url", localURL)) }
        if let model { list.append(("local.model", model)) }
        if let strategy { list.append(("assessment.strategy", strategy)) }
        for item in settings {
            guard let eq = item.firstIndex(of: "=") else {
                throw ValidationError("--set \(item): expected key=value, e.g. --set thresholds.local_min=0.7")
            }
            list.append((String(item[..<eq]), String(item[item.index(after: eq)...])))
        }
        return list
    }

    /// Settings from defaults, file, environment and these flags, plus a stderr logger.
    func context() throws -> CommandContext {
        SSHLibrary.prepareProcess()
        let level: Logger.Level = verbose >= 2 ? .trace : verbose == 1 ? .debug : .warning
        var logger = Logger(label: "escalator") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        let settings = try Settings.load(configFile: config, environment: ProcessInfo.processInfo.environment,
                                         overrides: try overrides())
        return CommandContext(settings: settings, logger: logger)
    }
}
