import ArgumentParser

/// The `escalator` command: one entry point for every question. Subcommands only parse
/// arguments and wire library parts together; the logic lives in the library modules.
@main
struct Escalator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalator",
        abstract: "Answer questions with a local model, escalating hard ones to a remote agent.",
        discussion: """
        Each question is first rated by the local model (llama-server) for how likely it is to \
        answer correctly. Easy questions are answered locally; hard ones are escalated.

        Start with `escalator init` to write a config, `escalator doctor` to check each part, \
        then `escalator ask "your question"`.
        """,
        version: "0.1.0",
        subcommands: [
            AskCommand.self, BatchCommand.self, AssessCommand.self, AttachCommand.self, InitCommand.self, DoctorCommand.self, LocalCommand.self,
            ScreenCommand.self,
            EvalCommand.self, TuneCommand.self, RouterCommand.self,
            TrustHostCommand.self,
            LogCommand.self, StatsCommand.self, FeedbackCommand.self, UnparkCommand.self,
            ServeCommand.self, McpCommand.self,
        ]
    )
}
