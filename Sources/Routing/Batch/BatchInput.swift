import Foundation

/// A line of a batch input that holds no usable question, and why.
public struct BatchInputProblem: Sendable, Equatable, CustomStringConvertible {
    /// The 1-based physical line where the bad record starts.
    public var line: Int
    /// What is wrong with it, e.g. `"question" is empty`.
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

/// The questions of a batch input file, and the lines that could not be read as questions.
public struct BatchInput: Sendable {
    /// The format the input was read as.
    public var format: BatchInputFormat
    /// The file name, or `standard input`, as used in messages.
    public var source: String
    /// The valid questions, in file order, with unique ids.
    public var questions: [BatchQuestion]
    /// The invalid lines, in file order.
    public var problems: [BatchInputProblem]

    public init(format: BatchInputFormat, source: String, questions: [BatchQuestion], problems: [BatchInputProblem]) {
        self.format = format
        self.source = source
        self.questions = questions
        self.problems = problems
    }

    /// How many problems or duplicate ids an error message lists before summarising the rest.
    static let listedInMessages = 10

    /// Parses a batch input.
    ///
    /// - Parameters:
    ///   - data: the file's bytes; must be UTF-8 (a leading byte-order mark is ignored).
    ///   - format: the format, or nil to detect it from `source`'s extension and the content.
    ///   - source: the file name, or `standard input` (or `-`), used in messages and for detection.
    /// - Returns: the valid questions and the problems of the invalid lines.
    /// - Throws: ``RoutingError`` when the data is not UTF-8, when the file as a whole is unusable
    ///   (a CSV syntax error or no `question` column), when two questions share an id, and when
    ///   there are no valid questions.
    public static func parse(_ data: Data, format: BatchInputFormat? = nil, source: String) throws -> BatchInput {
        let text = try decodeUTF8(data, source: source)
        let isStandardInput = source == "-" || source == "standard input"
        let format = format ?? .detect(path: isStandardInput ? nil : source, text: text)
        var input = BatchInput(format: format, source: source, questions: [], problems: [])
        switch format {
        case .jsonl: input.readJSONLines(text)
        case .csv: try input.readCSV(text)
        case .lines: input.readLines(text)
        }
        try input.checkUniqueIDs()
        if input.questions.isEmpty {
            if input.problems.isEmpty {
                throw RoutingError(problem: "\(source) has no questions",
                                   fix: "give it one question per line, as text, JSON lines or CSV with a question column")
            }
            throw RoutingError(problem: "\(source) has no valid questions: \(listing(input.problems))",
                               fix: "fix those lines")
        }
        return input
    }

    /// The questions to run: all of them when there are no problems or `skipInvalid` is set.
    /// - Throws: ``RoutingError`` listing the first problems when there are some and `skipInvalid`
    ///   is false.
    public func validated(skipInvalid: Bool) throws -> [BatchQuestion] {
        if !problems.isEmpty && !skipInvalid {
            let lines = problems.count == 1 ? "1 invalid line" : "\(problems.count) invalid lines"
            throw RoutingError(problem: "\(source) has \(lines): \(Self.listing(problems))",
                               fix: "fix those lines, or pass --skip-invalid to skip them")
        }
        return questions
    }

    /// The first problems as `line N: message; ...`, with a count of the rest.
    static func listing(_ problems: [BatchInputProblem]) -> String {
        var text = problems.prefix(listedInMessages).map(\.description).joined(separator: "; ")
        if problems.count > listedInMessages {
            text += " (and \(problems.count - listedInMessages) more)"
        }
        return text
    }

    // MARK: - Text

    /// `data` as text without a leading byte-order mark, or an error naming the first line that
    /// holds a byte that is not UTF-8.
    static func decodeUTF8(_ data: Data, source: String) throws -> String {
        if var text = String(validating: data, as: UTF8.self) {
            if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
            return text
        }
        var line = 1
        var bytes = data.makeIterator()
        var decoder = UTF8()
        decoding: while true {
            switch decoder.decode(&bytes) {
            case .scalarValue(let scalar): if scalar == "\n" { line += 1 }
            case .emptyInput, .error: break decoding
            }
        }
        throw RoutingError(problem: "\(source) is not UTF-8 text (line \(line) has a byte that is not UTF-8)",
                           fix: "convert it to UTF-8, e.g. with iconv -t UTF-8")
    }

    /// The physical lines of `text` with their 1-based numbers; `\n`, `\r\n` and `\r` end a line.
    static func physicalLines(_ text: String) -> [(number: Int, text: String)] {
        var lines: [(number: Int, text: String)] = []
        let bytes = Array(text.utf8)
        var start = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A || b == 0x0D {
                lines.append((lines.count + 1, String(decoding: bytes[start..<i], as: UTF8.self)))
                if b == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                start = i + 1
            }
            i += 1
        }
        if start < bytes.count {
            lines.append((lines.count + 1, String(decoding: bytes[start...], as: UTF8.self)))
        }
        return lines
    }

    private mutating func add(question: String, id: String?, line: Int) {
        questions.append(BatchQuestion(id: id ?? "line-\(line)", question: question, line: line))
    }

    private mutating func problem(_ line: Int, _ message: String) {
        problems.append(BatchInputProblem(line: line, message: message))
    }

    // MARK: - Formats

    private mutating func readLines(_ text: String) {
        for (number, line) in Self.physicalLines(text) {
            let question = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if question.isEmpty || question.hasPrefix("#") { continue }
            add(question: question, id: nil, line: number)
        }
    }

    private mutating func readJSONLines(_ text: String) {
        let decoder = JSONDecoder()
        for (number, line) in Self.physicalLines(text) {
            if line.allSatisfy(\.isWhitespace) { continue }
            let record: JSONLRecord
            do {
                record = try decoder.decode(JSONLRecord.self, from: Data(line.utf8))
            } catch {
                problem(number, "not valid JSON; each line must be one object such as {\"id\": \"q1\", \"question\": \"...\"}")
                continue
            }
            if let kind = record.notAnObject {
                problem(number, "expected a JSON object with a \"question\", found \(kind.name)")
                continue
            }
            var id: String?
            switch record.id {
            case nil, .null?: id = nil
            case .string(let text)?:
                id = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if id?.isEmpty == true {
                    problem(number, "\"id\" is empty; give a text or number, or leave it out")
                    continue
                }
            case .integer(let digits)?: id = digits
            case let other?:
                problem(number, "\"id\" must be a string or an integer, found \(other.name)")
                continue
            }
            switch record.question {
            case nil:
                problem(number, "no \"question\" field")
            case .string(let text)?:
                let question = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if question.isEmpty {
                    problem(number, "\"question\" is empty")
                } else {
                    add(question: question, id: id, line: number)
                }
            case let other?:
                problem(number, "\"question\" must be a string, found \(other.name)")
            }
        }
    }

    private mutating func readCSV(_ text: String) throws {
        if text.allSatisfy(\.isWhitespace) { return }
        let table = try CSVTable(text: text, name: source, allowRaggedRows: true)
        func columns(named name: String) -> [Int] {
            table.header.indices.filter { table.header[$0].lowercased() == name }
        }
        let questionColumns = columns(named: "question")
        let idColumns = columns(named: "id")
        guard let questionColumn = questionColumns.first else {
            let found = table.header.map { "\"\($0)\"" }.joined(separator: ", ")
            throw RoutingError(problem: "\(source) has no question column in its header (line \(table.headerLine)); found \(found)",
                               fix: "name the column that holds the questions \"question\" (and an optional id column \"id\")")
        }
        for (name, found) in [("question", questionColumns), ("id", idColumns)] where found.count > 1 {
            throw RoutingError(problem: "\(source) has \(found.count) \(name) columns in its header (line \(table.headerLine))",
                               fix: "rename or remove all but one")
        }
        for (row, line) in zip(table.rows, table.rowLines) {
            guard row.count == table.header.count else {
                problem(line, "the row has \(row.count) \(row.count == 1 ? "field" : "fields") but the header has \(table.header.count); quote fields that contain commas")
                continue
            }
            let question = row[questionColumn].trimmingCharacters(in: .whitespacesAndNewlines)
            guard !question.isEmpty else {
                problem(line, "the question is empty")
                continue
            }
            let id = idColumns.first.map { row[$0].trimmingCharacters(in: .whitespacesAndNewlines) }
            add(question: question, id: id?.isEmpty == false ? id : nil, line: line)
        }
    }

    // MARK: - Ids

    private func checkUniqueIDs() throws {
        var lines: [String: [Int]] = [:]
        var order: [String] = []
        for question in questions {
            if lines[question.id] == nil { order.append(question.id) }
            lines[question.id, default: []].append(question.line)
        }
        let duplicated = order.filter { lines[$0]!.count > 1 }
        guard !duplicated.isEmpty else { return }
        var text = duplicated.prefix(Self.listedInMessages).map { id in
            "\"\(id)\" (lines \(lines[id]!.map(String.init).joined(separator: ", ")))"
        }.joined(separator: ", ")
        if duplicated.count > Self.listedInMessages {
            text += " (and \(duplicated.count - Self.listedInMessages) more)"
        }
        throw RoutingError(problem: "\(source) has duplicate ids: \(text)",
                           fix: "give each question a unique id")
    }
}

/// One JSON line of a batch input, as far as the batch needs it.
private struct JSONLRecord: Decodable {
    /// Set when the line is valid JSON but not an object.
    var notAnObject: JSONLField?
    var question: JSONLField?
    var id: JSONLField?

    private struct Key: CodingKey {
        var stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        guard let object = try? decoder.container(keyedBy: Key.self) else {
            notAnObject = try JSONLField(from: decoder)
            return
        }
        // `contains` then `decode`, so an explicit null is seen as a value, not as a missing key.
        if object.contains(Key("question")) { question = try object.decode(JSONLField.self, forKey: Key("question")) }
        if object.contains(Key("id")) { id = try object.decode(JSONLField.self, forKey: Key("id")) }
    }
}

/// The kind of a JSON value, keeping strings and integers (as decimal text).
private enum JSONLField: Decodable {
    case null, bool, string(String), integer(String), number, array, object

    init(from decoder: any Decoder) throws {
        if let value = try? decoder.singleValueContainer() {
            if value.decodeNil() { self = .null; return }
            if (try? value.decode(Bool.self)) != nil { self = .bool; return }
            if let n = try? value.decode(Int64.self) { self = .integer(String(n)); return }
            if let n = try? value.decode(UInt64.self) { self = .integer(String(n)); return }
            if (try? value.decode(Double.self)) != nil { self = .number; return }
            if let text = try? value.decode(String.self) { self = .string(text); return }
        }
        if (try? decoder.unkeyedContainer()) != nil { self = .array; return }
        self = .object
    }

    /// The kind in words, for messages.
    var name: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .string: "a string"
        case .integer: "an integer"
        case .number: "a number with a fraction"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
