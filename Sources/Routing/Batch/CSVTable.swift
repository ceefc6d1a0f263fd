import Foundation

/// A parsed CSV file (RFC 4180: quoted fields may hold commas, quotes and newlines), with the
/// first row as the header. Blank lines between records are skipped.
public struct CSVTable: Sendable {
    /// The header row, each name trimmed of surrounding spaces.
    public var header: [String]
    /// The data rows. Each has the header's number of fields unless `allowRaggedRows` was set.
    public var rows: [[String]]
    /// The 1-based physical line where the header record starts.
    public var headerLine: Int
    /// For each data row, the 1-based physical line where its record starts (a quoted field that
    /// spans lines moves the rows after it down).
    public var rowLines: [Int]

    /// Parses `text`; `name` is used in error messages. Throws a ``RoutingError`` on a syntax error
    /// (an unclosed quote, text after a closing quote), on a file with no header, and, unless
    /// `allowRaggedRows`, on a row whose field count differs from the header's.
    public init(text: String, name: String, allowRaggedRows: Bool = false) throws {
        var records: [(fields: [String], line: Int)] = []
        var field: [UInt8] = []
        var record: [String] = []
        var inQuotes = false
        var afterQuote = false
        var line = 1
        var recordLine = 1
        let bytes = Array(text.utf8)
        var i = 0
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 1
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    if b == 0x0A { line += 1 }
                    field.append(b)
                }
            } else if b == UInt8(ascii: ",") {
                endField()
                afterQuote = false
            } else if b == 0x0A || b == 0x0D {
                if b == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                endField()
                records.append((record, recordLine))
                record.removeAll(keepingCapacity: true)
                afterQuote = false
                line += 1
                recordLine = line
            } else if b == UInt8(ascii: "\"") && field.isEmpty && !afterQuote {
                inQuotes = true
            } else {
                if afterQuote {
                    throw RoutingError(problem: "\(name):\(line): text follows a closing quote",
                                       fix: "quote the whole field and double the quotes inside it")
                }
                field.append(b)
            }
            i += 1
        }
        if inQuotes {
            throw RoutingError(problem: "\(name): a quoted field is never closed",
                               fix: "check the quotes near line \(line)")
        }
        if !field.isEmpty || !record.isEmpty {
            endField()
            records.append((record, recordLine))
        }
        records.removeAll { $0.fields == [""] }
        guard let first = records.first else {
            throw RoutingError(problem: "\(name) is empty", fix: "give it a header row and data rows")
        }
        header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        headerLine = first.line
        rows = records.dropFirst().map(\.fields)
        rowLines = records.dropFirst().map(\.line)
        if !allowRaggedRows {
            for (index, row) in rows.enumerated() where row.count != header.count {
                throw RoutingError(problem: "\(name):\(rowLines[index]): data row \(index + 1) has \(row.count) fields, the header has \(header.count)",
                                   fix: "quote fields that contain commas")
            }
        }
    }

    /// `text` quoted as a CSV field when needed.
    public static func field(_ text: String) -> String {
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
