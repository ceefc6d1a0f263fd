import ArgumentParser
import Foundation
import Routing

/// `escalator log`: the most recent routed questions from the ledger.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the most recent routed questions from the ledger.",
        discussion: """
        Every question `escalator ask` routes is recorded in the ledger, a SQLite database at \
        $XDG_DATA_HOME/escalator/ledger.sqlite (schema in the README; `sqlite3` reads it). The table \
        shows, oldest first: time (UTC), id, the tier that answered ("failed" when none did; * marks a \
        degraded answer, given by another tier than the policy wanted), pLocalCorrect, cost, total \
        milliseconds, the outcome (✓, ✗ or a score, from `escalator feedback`) and the question.

        With --json, one object per line: the full record (assessment, thresholds, route, answer, \
        tokens, timings, error, outcome).

        Examples:
          escalator log
          escalator log --last 50
          escalator log --json --last 1 | jq .route.reason
        """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var ledgerOptions: LedgerOptions
    @Option(name: .long, help: ArgumentHelp("How many of the most recent questions to show.", valueName: "n"))
    var last = 20
    @Flag(help: "Print one JSON object per question instead of a table.") var json = false

    func run() async throws {
        guard last > 0 else { throw CLIError(description: "--last \(last): give a positive number of questions, e.g. --last 20") }
        let context = try options.context()
        try await CLIErrors.translating {
            let ledger = try ledgerOptions.open(context)
            let records = try ledger.last(last)
            if json {
                let encoder = LedgerJSON.encoder()
                for record in records { print(String(decoding: try encoder.encode(record), as: UTF8.self)) }
                return
            }
            guard !records.isEmpty else {
                print("No questions recorded yet in \(ledger.path).")
                return
            }
            print(Self.table(records))
        }
    }

    /// The compact text table, one line per record.
    static func table(_ records: [LedgerRecord]) -> String {
        let header = ["time (UTC)", "id", "tier", "p", "cost $", "ms", "outcome", "question"]
        let rows = records.map { r -> [String] in
            let tier = (r.tierUsed?.name ?? "failed") + (r.degraded ? "*" : "")
            let p = r.assessment.map { String(format: "%.2f", $0.pLocalCorrect) } ?? "-"
            let ms = r.timingsMs.total.map { String(format: "%.0f", $0) } ?? "-"
            var outcome = "-"
            if let o = r.outcome {
                outcome = o.correct.map { $0 ? "✓" : "✗" } ?? ""
                if let s = o.score { outcome += (outcome.isEmpty ? "" : " ") + String(format: "%.2f", s) }
            }
            return [LedgerJSON.displayTime(r.recordedAt), r.id, tier, p, String(format: "%.4f", r.costUsd), ms, outcome,
                    truncated(r.question, 60)]
        }
        return TextTable.render(header: header, rows: rows, rightAligned: [3, 4, 5])
    }

    /// `text` on one line, cut to `limit` characters with an ellipsis.
    static func truncated(_ text: String, _ limit: Int) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }
}

/// JSON and time formatting shared by the ledger commands.
enum LedgerJSON {
    /// `JSONOutput`'s encoder with ISO 8601 dates.
    static func encoder() -> JSONEncoder {
        let e = JSONOutput.encoder()
        e.dateEncodingStrategy = .iso8601
        return e
    }

    static func displayTime(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: date)
    }
}

/// A plain text table with columns padded to their widest cell.
enum TextTable {
    static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { i in
                let pad = String(repeating: " ", count: widths[i] - row[i].count)
                if i == row.count - 1 && !rightAligned.contains(i) { return row[i] }
                return rightAligned.contains(i) ? pad + row[i] : row[i] + pad
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
