import ArgumentParser
import Routing

/// Which ledger database a command reads or writes.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger database (default: $XDG_DATA_HOME/escalator/ledger.sqlite).",
                                            valueName: "path"))
    var ledger: String?

    /// Opens the chosen ledger, creating it if needed.
    func open(_ context: CommandContext) throws -> Ledger {
        try Ledger(path: ledger ?? Ledger.defaultPath(context.settings.paths))
    }
}
