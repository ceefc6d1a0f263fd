/// The format of a batch input file.
public enum BatchInputFormat: String, Sendable, CaseIterable {
    /// One JSON object per line: `{"id": "q1", "question": "..."}`; `id` is optional.
    case jsonl
    /// A CSV file with a header row naming a `question` column and, optionally, an `id` column.
    case csv
    /// One question per line; blank lines and lines starting with `#` are skipped.
    case lines

    /// The format of the input at `path` (nil or `-` for standard input) holding `text`: by the file
    /// extension (`.jsonl`/`.ndjson`, `.csv`, `.txt`), otherwise by content (JSON lines when the
    /// first non-blank line starts with `{`, else one question per line).
    public static func detect(path: String?, text: String) -> BatchInputFormat {
        if let path, path != "-" {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            if let dot = name.lastIndex(of: "."), dot != name.startIndex {
                switch name[name.index(after: dot)...].lowercased() {
                case "jsonl", "ndjson": return .jsonl
                case "csv": return .csv
                case "txt": return .lines
                default: break
                }
            }
        }
        let firstLine = text.unicodeScalars
            .split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .lazy
            .map { $0.drop(while: { $0.properties.isWhitespace || $0 == "\u{FEFF}" }) }
            .first(where: { !$0.isEmpty })
        return firstLine?.first == "{" ? .jsonl : .lines
    }
}
