import Foundation
import Routing
import Synchronization

/// Progress of `escalator batch` on standard error: a one-line bar redrawn in place on a
/// terminal (done/total, per-tier counts, spent/budget, ETA), or one plain line per answer.
final class BatchProgressPrinter: Sendable {
    enum Mode { case bar, lines, none }
    private let mode: Mode
    private let total: Int
    private let budget: Double?
    private let tiers: [Tier]
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)

    init(mode: String, total: Int, budget: Double?, tiers: [Tier]) {
        switch mode {
        case "bar": self.mode = .bar
        case "lines": self.mode = .lines
        case "none": self.mode = .none
        default: self.mode = isatty(STDERR_FILENO) != 0 ? .bar : .lines
        }
        self.total = total
        self.budget = budget
        self.tiers = tiers
    }

    func assessed(_ done: Int) {
        switch mode {
        case .bar: if throttle() || done == total { write("\r\u{1B}[Kassessing \(done)/\(total)") }
        case .lines: if done == total { write("assessed \(total) question\(total == 1 ? "" : "s")\n") }
        case .none: break
        }
    }

    func finishAssessing() { if mode == .bar { write("\r\u{1B}[K") } }

    func update(_ p: BatchProgress, _ result: BatchResult) {
        switch mode {
        case .none: return
        case .lines:
            var line = "\(p.done)/\(p.total) \(result.id) "
            if let a = result.answer {
                line += "→ \(a.tierUsed.name) ok" + String(format: " %.0f ms $%.4f", a.timingsMs.total, a.costUsd)
                if a.degraded { line += " (degraded)" }
            } else {
                line += "error: \(result.error ?? "?")"
            }
            write(line + "  " + spent(p) + "\n")
        case .bar:
            guard throttle() || p.done == p.total else { return }
            let width = 24, filled = p.total == 0 ? width : width * p.done / p.total
            var line = "\r\u{1B}[K[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            line += "\(p.done)/\(p.total)  "
            line += tiers.map { "\($0.name) \(p.answeredByTier[$0.name] ?? 0)" }.joined(separator: " · ")
            if p.errors > 0 { line += " · errors \(p.errors)" }
            line += "  " + spent(p)
            if let eta = p.etaMs { line += String(format: "  ETA %d:%02d", Int(eta / 60_000), Int(eta / 1000) % 60) }
            write(line)
        }
    }

    func finish() { if mode == .bar { write("\n") } }

    private func spent(_ p: BatchProgress) -> String {
        String(format: "$%.4f", p.spentUsd) + (budget.map { String(format: "/$%.4f", $0) } ?? "")
    }

    /// True at most ten times a second.
    private func throttle() -> Bool {
        lastDraw.withLock { last in
            let now = ContinuousClock.now
            if let l = last, now - l < .milliseconds(100) { return false }
            last = now
            return true
        }
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
