import Foundation
import Routing

extension CSVTable {
    /// Reads and parses the CSV file at `path`; a malformed file is an ``EvaluationError`` of kind
    /// `.format`.
    public static func load(path: String) throws -> CSVTable {
        let data = try AtomicFile.read(path)
        do {
            return try CSVTable(text: String(decoding: data, as: UTF8.self), name: path)
        } catch let error as RoutingError {
            throw EvaluationError(.format, "\(error.problem); \(error.fix)")
        }
    }

    /// The index of column `name`, or an error listing the columns found.
    public func column(_ name: String, in file: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw EvaluationError(.format, "\(file) has no column \(name); found \(header)")
        }
        return i
    }
}
