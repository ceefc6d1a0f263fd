import Foundation

/// A parsed CSV file (RFC 4180: quoted fields may hold commas, quotes and newlines), with the
/// first row as the header.
public struct CSVTable: Sendable {
    /// The header row.
    public var header: [String]
    /// The data rows; each has the header's number of fields.
    public var rows: [[String]]

    /// Parses `text`; `name` is used in error messages.
    public init(text: String, name: String) throws {
        var records: [[String]] = []
        var field: [UInt8] = []
        var record: [String] = []
        var inQuotes = false
        var afterQuote = false
        var line = 1
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
                records.append(record)
                record.removeAll(keepingCapacity: true)
                afterQuote = false
                line += 1
            } else if b == UInt8(ascii: "\"") && field.isEmpty && !afterQuote {
                inQuotes = true
            } else {
                if afterQuote {
                    throw EvaluationError(.format, "\(name):\(line): text after a closing quote; quote the whole field and double inner quotes")
                }
                field.append(b)
            }
            i += 1
        }
        if inQuotes {
            throw EvaluationError(.format, "\(name): a quoted field is never closed; check the quotes near line \(line)")
        }
        if !field.isEmpty || !record.isEmpty {
            endField()
            records.append(record)
        }
        records.removeAll { $0 == [""] }
        guard let first = records.first else {
            throw EvaluationError(.format, "\(name) is empty; expected a header row and data rows")
        }
        header = first.map { $0.trimmingCharacters(in: .whitespaces) }
        rows = Array(records.dropFirst())
        for (index, row) in rows.enumerated() where row.count != header.count {
            throw EvaluationError(.format, "\(name): data row \(index + 1) has \(row.count) fields, the header has \(header.count); quote fields that contain commas")
        }
    }

    /// Reads and parses the CSV file at `path`.
    public static func load(path: String) throws -> CSVTable {
        let data = try AtomicFile.read(path)
        return try CSVTable(text: String(decoding: data, as: UTF8.self), name: path)
    }

    /// The index of column `name`, or an error listing the columns found.
    public func column(_ name: String, in file: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw EvaluationError(.format, "\(file) has no column \(name); found \(header)")
        }
        return i
    }

    /// `text` quoted as a CSV field when needed.
    public static func field(_ text: String) -> String {
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
