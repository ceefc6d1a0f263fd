import Foundation
import Testing
import TestSupport

/// Runs the built `escalator` binary the way a user does: happy path on a hand-made dataset,
/// and bad input that must fail with one line and leave no output file behind.
@Suite struct EvalCLITests {
    static let binary = BuiltProducts.executable("escalator")
    static let available = FileManager.default.isExecutableFile(atPath: binary)

    /// The hand case of DeferralCurveTests as files: APGR 1.25, local 50 %, top 75 %.
    static func writeHandCase(in dir: TemporaryDirectory) throws {
        try """
        {"format":"escalator-dataset","version":1,"tiers":[{"name":"local","price_usd":0},{"name":"remote","price_usd":1}]}
        {"id":"a","question":"qa","outcomes":{"local":0,"remote":1}}
        {"id":"b","question":"qb","outcomes":{"local":1,"remote":1}}
        {"id":"c","question":"qc","outcomes":{"local":0,"remote":1}}
        {"id":"d","question":"qd","outcomes":{"local":1,"remote":0}}
        """.write(toFile: dir.file("hand.jsonl"), atomically: true, encoding: .utf8)
        try "id,score\na,0.9\nb,0.5\nc,0.5\nd,0.1\n".write(toFile: dir.file("scores.csv"), atomically: true, encoding: .utf8)
    }

    struct ReportJSON: Decodable {
        struct Interval: Decodable { var value: Double }
        struct Router: Decodable { var APGR: Interval }
        var weak_quality: Double
        var strong_quality: Double
        var router: Router
    }

    @Test(.enabled(if: RealPart.shouldRun(available)))
    func reportJSONAndPlot() throws {
        let dir = try TemporaryDirectory(prefix: "eval-cli")
        defer { dir.remove() }
        try Self.writeHandCase(in: dir)
        let result = try runBinary(Self.binary, ["eval", "report", dir.file("hand.jsonl"), "--scores", dir.file("scores.csv"),
                                                 "--json", "--plot", dir.file("plot.svg"), "--markdown", dir.file("report.md"),
                                                 "--bootstrap", "20"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(ReportJSON.self, from: Data(result.stdout.utf8))
        #expect(abs(report.router.APGR.value - 1.25) < 1e-12)
        #expect(report.weak_quality == 50 && report.strong_quality == 75)
        let svg = try String(contentsOfFile: dir.file("plot.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("router") && svg.contains("random") && svg.contains("oracle"))
        #expect(svg.contains("Quality vs cost"))
        #expect(FileManager.default.fileExists(atPath: dir.file("report.md")))
    }

    @Test(.enabled(if: RealPart.shouldRun(available)))
    func scoreAndTune() throws {
        let dir = try TemporaryDirectory(prefix: "eval-cli")
        defer { dir.remove() }
        try Self.writeHandCase(in: dir)
        let score = try runBinary(Self.binary, ["eval", "score", dir.file("hand.jsonl"), "--strategy", "oracle", "--out", dir.file("oracle.csv")])
        #expect(score.status == 0, "\(score.stderr)")
        let csv = try String(contentsOfFile: dir.file("oracle.csv"), encoding: .utf8)
        #expect(csv == "id,score\na,1.0\nb,0.0\nc,1.0\nd,-1.0\n")
        let tune = try runBinary(Self.binary, ["tune", dir.file("hand.jsonl"), "--scores", dir.file("scores.csv"),
                                               "--target-rate", "0.5", "--bootstrap", "10"])
        #expect(tune.status == 0, "\(tune.stderr)")
        #expect(tune.stdout.contains("threshold: escalate when score >= 0.9"))
    }

    @Test(.enabled(if: RealPart.shouldRun(available)))
    func badInputFailsWithOneLineAndNoOutput() throws {
        let dir = try TemporaryDirectory(prefix: "eval-cli")
        defer { dir.remove() }
        try Self.writeHandCase(in: dir)
        try "id,score\na,0.9\n".write(toFile: dir.file("partial.csv"), atomically: true, encoding: .utf8)
        let report = try runBinary(Self.binary, ["eval", "report", dir.file("hand.jsonl"), "--scores", dir.file("partial.csv"),
                                                 "--plot", dir.file("plot.svg")])
        #expect(report.status != 0)
        #expect(report.stderr.contains("no score for 3 of 4"))
        #expect(report.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.file("plot.svg")))

        let deciles = try runBinary(Self.binary, ["eval", "report", dir.file("hand.jsonl"), "--scores", dir.file("scores.csv"), "--grid", "deciles"])
        #expect(deciles.status != 0)
        #expect(deciles.stderr.contains("--grid exact"))

        let tune = try runBinary(Self.binary, ["tune", dir.file("hand.jsonl"), "--scores", dir.file("scores.csv")])
        #expect(tune.status != 0)
        #expect(tune.stderr.contains("exactly one of"))

        let out = dir.file("missing-dir/out.jsonl")
        let imported = try runBinary(Self.binary, ["eval", "import", "routellm", dir.file("nope.csv"), "--out", out])
        #expect(imported.status != 0)
        #expect(imported.stderr.contains("does not exist"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
