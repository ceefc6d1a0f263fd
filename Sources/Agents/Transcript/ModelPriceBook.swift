import Foundation
import Synchronization

/// One model's list price as an agent's model picker showed it.
public struct PickerPrice: Sendable, Equatable, Codable {
    /// The picker row's label (`Opus`).
    public var label: String
    /// The model's marketing name from the row's description (`Opus 5.5`), when shown.
    public var name: String?
    public var price: ScreenMenu.Price

    public init(label: String, name: String?, price: ScreenMenu.Price) {
        self.label = label
        self.name = name
        self.price = price
    }

    /// The priced rows of a model picker (the `Default` row repeats another row: skipped).
    public static func rows(of picker: ScreenMenu) -> [PickerPrice] {
        picker.options.compactMap { option in
            guard let price = option.price, !option.label.lowercased().hasPrefix("default") else { return nil }
            let name = option.description.flatMap { description in
                description.components(separatedBy: " · ").first.map { $0.trimmingCharacters(in: .whitespaces) }
            }
            return PickerPrice(label: option.label, name: name, price: price)
        }
    }

    /// The row for API model id `model` (`claude-opus-5-5`): the one whose marketing name spells
    /// the id (`Opus 5.5` → `opus-5-5`), else the one whose label the id names.
    public static func row(for model: String, in rows: [PickerPrice]) -> PickerPrice? {
        let id = model.lowercased()
        func slug(_ text: String) -> String {
            String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
        }
        if let exact = rows.first(where: { row in row.name.map { id.contains(slug($0)) } ?? false }) { return exact }
        return rows.first { id.contains($0.label.lowercased()) }
    }
}

/// The model prices read from an agent's picker, kept per agent and version (a new version may
/// price its models anew) in a JSON file, so every later turn can be costed without opening the
/// picker again. Thread-safe; writes replace the file atomically.
public final class ModelPriceBook: Sendable {
    /// The prices of one agent version and when they were read.
    public struct Entry: Sendable, Equatable, Codable {
        public var readAt: Date
        public var rows: [PickerPrice]
    }

    /// The file, or nil to keep the prices in memory only.
    public let file: URL?
    private let entries: Mutex<[String: Entry]?> = Mutex(nil)

    public init(file: URL?) {
        self.file = file
    }

    /// The key of an agent version: `claude-code 2.1.332`.
    public static func key(agent: String, version: String) -> String { "\(agent) \(version)" }

    /// The prices known for `agent` at `version`, if its picker was ever read.
    public func entry(agent: String, version: String) -> Entry? {
        loaded()[Self.key(agent: agent, version: version)]
    }

    /// Records `rows` as the prices of `agent` at `version` (nothing when `rows` is empty).
    public func record(_ rows: [PickerPrice], agent: String, version: String, at date: Date = Date()) throws {
        guard !rows.isEmpty else { return }
        let all = entries.withLock { state -> [String: Entry] in
            var all = state ?? Self.read(file)
            all[Self.key(agent: agent, version: version)] = Entry(readAt: date, rows: rows)
            state = all
            return all
        }
        guard let file else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(all)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file, options: .atomic)
    }

    private func loaded() -> [String: Entry] {
        entries.withLock { state in
            if let state { return state }
            let read = Self.read(file)
            state = read
            return read
        }
    }

    /// The file's entries; an unreadable file counts as empty (the picker is read again).
    private static func read(_ file: URL?) -> [String: Entry] {
        guard let file, let data = try? Data(contentsOf: file) else { return [:] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try? decoder.decode([String: Entry].self, from: data)) ?? [:]
    }
}
