import Foundation
import Testing
import TestSupport
@testable import Evaluation
import Routing

@Suite struct DatasetTests {
    static let sample = """
    {"format":"escalator-dataset","version":1,"tiers":[{"name":"local","price_usd":0},{"name":"sonnet","price_usd":0.003},"opus"]}
    {"id":"a","question":"2+2?","category":"math","gold":"4","outcomes":{"local":1,"sonnet":1,"opus":1}}
    {"id":7,"question":"hard","outcomes":[0,0.5,true],"cost_usd":{"local":0,"sonnet":0.01,"opus":0.05}}
    """

    @Test func parsesHeaderItemsAndFlexibleValues() throws {
        let dataset = try Dataset.parse(Data(Self.sample.utf8), name: "sample")
        #expect(dataset.tiers.map(\.name) == ["local", "sonnet", "opus"])
        #expect(dataset.tiers.map(\.priceUSD) == [0, 0.003, nil])
        #expect(dataset.items.count == 2)
        #expect(dataset.items[0].outcomes == [1, 1, 1])
        #expect(dataset.items[0].gold == "4")
        #expect(dataset.items[1].id == "7")
        #expect(dataset.items[1].outcomes == [0, 0.5, 1])
        #expect(dataset.items[1].costUSD == [0, 0.01, 0.05])
        #expect(!dataset.isBinary)
        // Item 0 has no cost_usd and opus has no price: no cost for it.
        #expect(dataset.cost(of: 0, tier: 2) == nil)
        #expect(dataset.cost(of: 1, tier: 2) == 0.05)
    }

    @Test func roundTripsThroughJSONL() throws {
        let dataset = try Dataset.parse(Data(Self.sample.utf8), name: "sample")
        let again = try Dataset.parse(Data(dataset.jsonl().utf8), name: "again")
        #expect(again == dataset)
    }

    @Test func readsTiersFromSidecar() throws {
        let items = """
        {"id":"a","question":"q","outcomes":{"l":0,"r":1}}
        """
        let dataset = try Dataset.parse(Data(items.utf8), name: "x", sidecar: { Data(#"{"tiers":["l","r"]}"#.utf8) })
        #expect(dataset.tiers.map(\.name) == ["l", "r"])
    }

    @Test(arguments: [
        (#"{"id":"a","question":"q","outcomes":{"l":0,"r":1}}"#, "has no header"),
        ("{\"tiers\":[\"l\"]}\n{\"id\":\"a\",\"question\":\"q\",\"outcomes\":[1]}", "at least 2 tiers"),
        ("{\"tiers\":[\"l\",\"r\"]}\n{\"id\":\"a\",\"question\":\"q\",\"outcomes\":{\"l\":1}}", "lacks tier r"),
        ("{\"tiers\":[\"l\",\"r\"]}\n{\"id\":\"a\",\"question\":\"q\",\"outcomes\":{\"l\":1,\"x\":0}}", "unknown tier x"),
        ("{\"tiers\":[\"l\",\"r\"]}\n{\"id\":\"a\",\"question\":\"q\",\"outcomes\":[1,0]}\n{\"id\":\"a\",\"question\":\"q\",\"outcomes\":[1,0]}", "appears twice"),
        ("{\"tiers\":[\"l\",\"r\"]}\n{\"id\":\"a\",\"outcomes\":[1,0]}", "no \"question\""),
        ("{\"tiers\":[\"l\",\"r\"]}\nnot json", "x:2 is not valid JSON"),
    ])
    func rejectsBadInputWithAFix(text: String, expected: String) {
        #expect {
            _ = try Dataset.parse(Data(text.utf8), name: "x")
        } throws: { error in
            let message = "\(error)"
            return message.contains(expected) && !message.contains("\n")
        }
    }

    /// The example in eval/ (used by eval/README.md) must stay loadable and aligned with its scores.
    @Test func shippedSampleLoads() throws {
        let root = BuiltProducts.packageRoot
        let dataset = try Dataset.load(path: "\(root)/eval/sample.jsonl")
        #expect(dataset.tiers.map(\.name) == ["local", "sonnet", "opus"])
        #expect(dataset.items.count == 12)
        let scores = try ScoreTable.load(path: "\(root)/eval/sample-scores.csv")
        #expect(try scores.aligned(with: dataset, scoresName: "sample-scores.csv").count == 12)
    }

    @Test func csvHandlesQuotedCommasNewlinesAndQuotes() throws {
        let table = try CSVTable(text: "a,b\n\"x, \"\"y\"\"\nz\",2\r\nplain,3\n", name: "t")
        #expect(table.header == ["a", "b"])
        #expect(table.rows == [["x, \"y\"\nz", "2"], ["plain", "3"]])
        #expect(CSVTable.field("x, \"y\"") == "\"x, \"\"y\"\"\"")
    }

    @Test func scoreTableRejectsMissingAndBadScores() throws {
        let dir = try TemporaryDirectory(prefix: "eval-scores")
        defer { dir.remove() }
        try "id,score\nq0,0.5\nq1,abc\n".write(toFile: dir.file("bad.csv"), atomically: true, encoding: .utf8)
        #expect(throws: EvaluationError.self) { try ScoreTable.load(path: dir.file("bad.csv")) }
        let dataset = try Fixtures.dataset(local: [1, 0], top: [1, 1])
        let partial = ScoreTable([("q0", 0.5)])
        #expect {
            _ = try partial.aligned(with: dataset, scoresName: "s.csv")
        } throws: { "\($0)".contains("no score for 1 of 2") }
        // Scores survive a write and read bit for bit.
        let table = ScoreTable([("q0", 0.1 + 0.2), ("q1", 1e-300)])
        try table.write(to: dir.file("ok.csv"))
        #expect(try ScoreTable.load(path: dir.file("ok.csv")) == table)
    }
}
