import Foundation
import Testing
@testable import Evaluation

@Suite struct JSONScannerTests {
    private func parse(_ text: String) throws -> JSONNode {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            try Result { () throws(JSONScanError) -> JSONNode in try JSONScanner.parse(buffer) }.get()
        }
    }

    @Test func readsEscapesAndSurrogatePairs() throws {
        let node = try parse(#"{"s": "a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "n": -1.5e2, "t": true, "z": null, "l": [1, 2]}"#)
        #expect(node["s"]?.text == "a\"b\\c/d\n\té😀")
        #expect(node["n"]?.number == -150)
        #expect(node["t"]?.number == 1)
        #expect(node["z"]?.isNull == true)
        guard case let .array(list)? = node["l"] else { Issue.record("expected a list"); return }
        #expect(list.compactMap(\.number) == [1, 2])
    }

    /// Numbers must round exactly like Python's float(): these are values where Foundation's
    /// JSONSerialization on Linux was seen to be off by one ulp.
    @Test func readsNumbersExactly() throws {
        for text in ["63.733741392501905", "0.9978638325415037", "29.99234889058913", "1e-300", "0.1"] {
            guard case let .array(list) = try parse("[\(text)]") else { Issue.record("expected a list"); continue }
            #expect(list.first?.number == Double(text)!, "\(text)")
        }
    }

    @Test(arguments: ["{", "[1,]", "{\"a\" 1}", "tru", "\"open", "[1] x", "{\"a\":01x}", "-"])
    func rejectsMalformedJSON(text: String) {
        #expect(throws: JSONScanError.self) { try parse(text) }
    }

    /// Text with quotes, backslashes, control characters, U+2028 and emoji survives a write and
    /// read of the native format, and each item stays on one physical line.
    @Test func datasetRoundTripsAwkwardText() throws {
        let question = "say \"hi\"\\ \u{01} line\u{2028}break\u{85} 😀 é"
        let dataset = try Dataset(tiers: [DatasetTier(name: "a"), DatasetTier(name: "b")],
                                  items: [DatasetItem(id: "x,1", question: question, outcomes: [0.25, 1])])
        let text = dataset.jsonl()
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 3)
        #expect(!text.contains("\u{2028}"))
        #expect(try Dataset.parse(Data(text.utf8), name: "t") == dataset)
    }
}
