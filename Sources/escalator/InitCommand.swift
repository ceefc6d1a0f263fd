import ArgumentParser
import Foundation
import Routing

/// `escalator init`: write an annotated config file.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write an annotated config file (TOML) with every setting and its default.",
        discussion: """
        Writes $XDG_CONFIG_HOME/escalator/config.toml (or --config PATH). Every key is explained in a \
        comment with the environment variable that overrides it. An existing file is kept unless \
        --force is given; then it is first backed up to <file>.bak.

        Precedence: defaults < config file < ESCALATOR_<SECTION>_<KEY> environment < flags.
        """)

    @Option(help: ArgumentHelp("Where to write (default: $XDG_CONFIG_HOME/escalator/config.toml).", valueName: "path"))
    var config: String?
    @Flag(help: "Replace an existing file (a backup is kept as <file>.bak).") var force = false
    @Flag(help: "Also copy the prompt templates to ~/.config/escalator/prompts for editing.") var withPrompts = false
    @Flag(help: "Print the file to standard output instead of writing it.") var print = false

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let defaults = Settings(paths: Paths(environment: environment))
        let text = defaults.annotatedConfig()
        if print {
            Swift.print(text, terminator: "")
            return
        }
        let path = defaults.paths.configFile(explicit: config, environment: environment).path
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            guard force else {
                throw CLIError(description: "\(path) already exists — keep it, or pass --force to replace it (a backup is kept)")
            }
            let backup = path + ".bak"
            try? fm.removeItem(atPath: backup)
            try fm.copyItem(atPath: path, toPath: backup)
            Swift.print("backed up the old file to \(backup)")
        }
        try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        Swift.print("wrote \(path)")
        if withPrompts {
            let source = try PromptTemplate.locate(defaults)
            let dir = (defaults.paths.config as NSString).appendingPathComponent("prompts")
            let target = (dir as NSString).appendingPathComponent(PromptTemplate.fileName)
            if fm.fileExists(atPath: target) && !force {
                Swift.print("kept the existing \(target)")
            } else {
                try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
                try? fm.removeItem(atPath: target)
                try fm.copyItem(atPath: source.source, toPath: target)
                Swift.print("copied \(source.source) to \(target)")
            }
        }
    }
}
