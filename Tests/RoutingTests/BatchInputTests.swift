import Foundation
import Testing
@testable import Routing

@Suite struct BatchInputTests {
    private func parse(_ text: String, _ format: BatchInputFormat? = nil, source: String = "questions") throws -> BatchInput {
        try BatchInput.parse(Data(text.utf8), format: format, source: source)
    }

    // MARK: - Detection

    @Test func detectsByExtensionBeforeContent() {
        let json = "{\"question\": \"q\"}\n"
        #expect(BatchInputFormat.detect(path: "in/a.jsonl", text: "plain\n") == .jsonl)
        #expect(BatchInputFormat.detect(path: "A.NDJSON", text: "plain\n") == .jsonl)
        #expect(BatchInputFormat.detect(path: "/tmp/x.csv", text: json) == .csv)
        #expect(BatchInputFormat.detect(path: "q.txt", text: json) == .lines)
    }

    @Test func detectsByContentWithoutAKnownExtension() {
        let json = "\n   \n  {\"question\": \"q\"}\nmore\n"
        let plain = "\n\nWhat is {this}?\n{\"question\": \"q\"}\n"
        for path: String? in [nil, "-", "questions", "dir.v2/questions", "notes.md"] {
            #expect(BatchInputFormat.detect(path: path, text: json) == .jsonl, "path \(path ?? "nil")")
            #expect(BatchInputFormat.detect(path: path, text: plain) == .lines, "path \(path ?? "nil")")
        }
        #expect(BatchInputFormat.detect(path: nil, text: "") == .lines)
        #expect(BatchInputFormat.detect(path: nil, text: "\u{FEFF}{\"question\": \"q\"}") == .jsonl)
    }

    @Test func parseDetectsFromTheSourceNameUnlessStandardInputOrGivenAFormat() throws {
        #expect(try parse("question\nq\n", source: "in.csv").format == .csv)
        #expect(try parse("{\"question\": \"q\"}\n", source: "standard input").format == .jsonl)
        #expect(try parse("{\"question\": \"q\"}\n", source: "-").format == .jsonl)
        // A `.txt` name wins over content; an explicit format wins over both.
        #expect(try parse("{\"question\": \"q\"}\n", source: "in.txt").questions.first?.question == "{\"question\": \"q\"}")
        #expect(try parse("question\nq\n", .lines, source: "in.csv").questions.map(\.question) == ["question", "q"])
    }

    // MARK: - JSON lines

    @Test func jsonLinesReadIdsQuestionsAndPhysicalLineNumbers() throws {
        let text = """
        {"id": "a", "question": "  What is 2+2?  "}

        {"question": "No id here"}
        {"id": 42, "question": "Integer id"}
          {"id": " padded ", "question": "Tab\\tand\\nnewline inside", "extra": [1, 2]}
        {"id": null, "question": "null id"}
        """
        let input = try parse(text, .jsonl)
        #expect(input.problems == [])
        #expect(input.questions == [
            BatchQuestion(id: "a", question: "What is 2+2?", line: 1),
            BatchQuestion(id: "line-3", question: "No id here", line: 3),
            BatchQuestion(id: "42", question: "Integer id", line: 4),
            BatchQuestion(id: "padded", question: "Tab\tand\nnewline inside", line: 5),
            BatchQuestion(id: "line-6", question: "null id", line: 6),
        ])
    }

    @Test func jsonLinesReportEachBadLineWithItsNumber() throws {
        let text = """
        {"id": "ok", "question": "fine"}
        not json at all
        [1, 2]
        {"id": "x"}
        {"question": "   "}
        {"question": 7}
        {"id": true, "question": "q"}
        {"id": 1.5, "question": "q"}
        "just a string"
        {"id": "", "question": "q"}
        {"question": null}
        {"id": ["a"], "question": "q"}
        """
        let input = try parse(text, .jsonl)
        #expect(input.questions == [BatchQuestion(id: "ok", question: "fine", line: 1)])
        #expect(input.problems.map(\.line) == Array(2...12))
        let expected: [Int: String] = [
            2: "not valid JSON",
            3: "expected a JSON object with a \"question\", found an array",
            4: "no \"question\" field",
            5: "\"question\" is empty",
            6: "\"question\" must be a string, found an integer",
            7: "\"id\" must be a string or an integer, found a boolean",
            8: "\"id\" must be a string or an integer, found a number with a fraction",
            9: "expected a JSON object with a \"question\", found a string",
            10: "\"id\" is empty",
            11: "\"question\" must be a string, found null",
            12: "\"id\" must be a string or an integer, found an array",
        ]
        for problem in input.problems {
            let fragment = try #require(expected[problem.line])
            #expect(problem.message.contains(fragment), "line \(problem.line): \(problem.message)")
            #expect(problem.description == "line \(problem.line): \(problem.message)")
        }
    }

    @Test func windowsAndOldMacLineEndsCountAsOneLineEach() throws {
        let input = try parse("{\"question\": \"a\"}\r\n\r\n{\"question\": \"b\"}\r{\"question\": \"c\"}\r\n", .jsonl)
        #expect(input.questions == [
            BatchQuestion(id: "line-1", question: "a", line: 1),
            BatchQuestion(id: "line-3", question: "b", line: 3),
            BatchQuestion(id: "line-4", question: "c", line: 4),
        ])
    }

    // MARK: - CSV

    @Test func csvFindsColumnsByNameAndNumbersRecordsByTheirFirstLine() throws {
        let text = """
        ID, Question ,notes
        a,"first
        spans two lines",x
        b,"say ""hi"", please",y

        ,  no id given  ,z
        c,,w
        d,too,many,fields
        e,"three
        line

        field",v
        f,last,u
        """
        let input = try parse(text, source: "in.csv")
        #expect(input.format == .csv)
        #expect(input.questions == [
            BatchQuestion(id: "a", question: "first\nspans two lines", line: 2),
            BatchQuestion(id: "b", question: "say \"hi\", please", line: 4),
            BatchQuestion(id: "line-6", question: "no id given", line: 6),
            BatchQuestion(id: "e", question: "three\nline\n\nfield", line: 9),
            BatchQuestion(id: "f", question: "last", line: 13),
        ])
        #expect(input.problems.map(\.line) == [7, 8])
        #expect(input.problems[0].message.contains("question is empty"))
        #expect(input.problems[1].message.contains("4 fields but the header has 3"))
    }

    @Test func csvWithoutAnIdColumnGeneratesIdsAndAcceptsAByteOrderMark() throws {
        let input = try parse("\u{FEFF}QUESTION\r\nfirst\r\n\"second, with a comma\"\r\n", .csv)
        #expect(input.questions == [
            BatchQuestion(id: "line-2", question: "first", line: 2),
            BatchQuestion(id: "line-3", question: "second, with a comma", line: 3),
        ])
    }

    @Test func csvWithoutAQuestionColumnNamesTheColumnsFound() throws {
        let error = try #require(throws: RoutingError.self) { try parse("id,prompt\n1,hello\n", source: "in.csv") }
        #expect(error.problem.contains("in.csv"))
        #expect(error.problem.contains("no question column"))
        #expect(error.problem.contains("\"id\", \"prompt\""))
    }

    @Test func csvSyntaxErrorsAndDoubleColumnsAreRefused() throws {
        #expect(throws: RoutingError.self) { try parse("question\n\"never closed\n", source: "in.csv") }
        #expect(throws: RoutingError.self) { try parse("question\n\"a\"b\n", source: "in.csv") }
        let twice = try #require(throws: RoutingError.self) { try parse("question,Question\na,b\n", source: "in.csv") }
        #expect(twice.problem.contains("2 question columns"))
    }

    @Test func csvTableRecordsTheLineEachRowStartsOn() throws {
        let table = try CSVTable(text: "\na,b\n1,\"x\ny\"\n\n2,z\n", name: "t")
        #expect(table.header == ["a", "b"])
        #expect(table.headerLine == 2)
        #expect(table.rows == [["1", "x\ny"], ["2", "z"]])
        #expect(table.rowLines == [3, 6])
        #expect(throws: RoutingError.self) { try CSVTable(text: "a,b\n1\n", name: "t") }
        #expect(try CSVTable(text: "a,b\n1\n", name: "t", allowRaggedRows: true).rows == [["1"]])
    }

    // MARK: - Lines

    @Test func linesSkipBlanksAndCommentsAndTrim() throws {
        let text = "# a comment\nWhat is 2+2?\n   \n   indented question   \n  # indented comment\nLast one, no newline"
        let input = try parse(text, .lines)
        #expect(input.problems == [])
        #expect(input.questions == [
            BatchQuestion(id: "line-2", question: "What is 2+2?", line: 2),
            BatchQuestion(id: "line-4", question: "indented question", line: 4),
            BatchQuestion(id: "line-6", question: "Last one, no newline", line: 6),
        ])
    }

    // MARK: - Whole-file errors

    @Test func invalidUTF8IsRefusedNamingTheLine() throws {
        var data = Data("fine\nalso fine\n".utf8)
        data.append(contentsOf: [0x62, 0xFF, 0x0A])
        let error = try #require(throws: RoutingError.self) { try BatchInput.parse(data, source: "in.txt") }
        #expect(error.problem.contains("in.txt"))
        #expect(error.problem.contains("not UTF-8"))
        #expect(error.problem.contains("line 3"))
    }

    @Test func inputsWithoutQuestionsAreRefused() throws {
        for (text, format) in [("", BatchInputFormat.lines), ("\n  \n# only a comment\n", .lines), ("\n\n", .jsonl),
                               ("question\n", .csv), ("  \n", .csv)] {
            let error = try #require(throws: RoutingError.self) { try parse(text, format, source: "empty.x") }
            #expect(error.problem == "empty.x has no questions", "\(format): \(text.debugDescription)")
        }
    }

    @Test func inputsWithOnlyBadLinesListThem() throws {
        let error = try #require(throws: RoutingError.self) { try parse("{\"id\": 1}\n\n[]\n", .jsonl, source: "bad.jsonl") }
        #expect(error.problem.contains("bad.jsonl has no valid questions"))
        #expect(error.problem.contains("line 1: no \"question\" field"))
        #expect(error.problem.contains("line 3: expected a JSON object"))
    }

    @Test func duplicateIdsAreRefusedWithAllTheirLines() throws {
        let text = """
        {"id": "a", "question": "one"}
        {"question": "two"}
        {"id": "a", "question": "three"}
        {"id": "line-2", "question": "four"}
        {"id": 5, "question": "five"}
        {"id": "5", "question": "six"}
        {"id": "a", "question": "seven"}
        {"id": "unique", "question": "eight"}
        """
        let error = try #require(throws: RoutingError.self) { try parse(text, .jsonl, source: "dup.jsonl") }
        #expect(error.problem == "dup.jsonl has duplicate ids: \"a\" (lines 1, 3, 7), \"line-2\" (lines 2, 4), \"5\" (lines 5, 6)")
        #expect(error.fix == "give each question a unique id")
    }

    @Test func duplicateIdListingStopsAfterTen() throws {
        // Ids d0 ... d11, each on two lines.
        let text = (0..<24).map { "d\($0 % 12),question \($0)" }.joined(separator: "\n")
        let error = try #require(throws: RoutingError.self) { try parse("id,question\n" + text, .csv) }
        #expect(error.problem.contains("\"d0\" (lines 2, 14)"))
        #expect(error.problem.contains("\"d9\" (lines 11, 23)"))
        #expect(!error.problem.contains("\"d10\""))
        #expect(error.problem.hasSuffix("(and 2 more)"))
    }

    // MARK: - validated(skipInvalid:)

    @Test func validatedRefusesProblemsUnlessSkipping() throws {
        // One good line, then 13 bad ones on lines 2...14.
        let text = "{\"question\": \"good\"}\n" + String(repeating: "{\"question\": \"\"}\n", count: 13)
        let input = try parse(text, .jsonl, source: "mixed.jsonl")
        #expect(input.problems.count == 13)
        let error = try #require(throws: RoutingError.self) { try input.validated(skipInvalid: false) }
        #expect(error.problem.hasPrefix("mixed.jsonl has 13 invalid lines: line 2: \"question\" is empty; line 3:"))
        #expect(error.problem.contains("line 11: "))
        #expect(!error.problem.contains("line 12: "))
        #expect(error.problem.hasSuffix("(and 3 more)"))
        #expect(error.fix == "fix those lines, or pass --skip-invalid to skip them")
        #expect(try input.validated(skipInvalid: true) == [BatchQuestion(id: "line-1", question: "good", line: 1)])
    }

    @Test func validatedPassesCleanInputs() throws {
        let input = try parse("a\nb\n", .lines)
        #expect(try input.validated(skipInvalid: false).map(\.id) == ["line-1", "line-2"])
        #expect(try input.validated(skipInvalid: true).map(\.id) == ["line-1", "line-2"])
    }
}
