import ArgumentParser

/// `escalator eval`: offline evaluation of routing decisions on datasets with known outcomes.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score routing decisions offline: import datasets, score questions, report metrics.",
        discussion: """
        Datasets use the native JSONL format described in eval/README.md. A typical run:
          escalator eval import routellm shared/eval-data/routellm/routellm/evals/gsm8k/gsm8k_responses.csv --out gsm8k.jsonl
          escalator eval score gsm8k.jsonl --strategy length --out length.csv
          escalator eval report gsm8k.jsonl --scores length.csv --plot gsm8k.svg
        With the local model: `eval score --strategy digit-scale|yes-no` (cached self-assessment scores) and
        `eval run DATASET --limit 30 --tiers local` (answer, grade, write the local model's outcomes).
        """,
        subcommands: [EvalImportCommand.self, EvalScoreCommand.self, EvalRunCommand.self, EvalReportCommand.self, EvalExportCommand.self,
                      EvalFromLedgerCommand.self]
    )
}
