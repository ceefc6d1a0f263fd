import Foundation

/// Small helpers to write JSON by hand with a fixed key order (for diff-friendly JSONL) and to
/// read loosely typed JSON values.
enum JSONText {
    /// `text` as a JSON string literal.
    static func quote(_ text: String) -> String {
        // Fast path: nothing to escape (bytes >= 0x80 are safe unless they encode U+0085,
        // U+2028 or U+2029, whose UTF-8 starts with 0xC2 or 0xE2).
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xC2 || $0 == 0xE2 }) {
            return "\"" + text + "\""
        }
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                // Control characters must be escaped; U+0085, U+2028 and U+2029 are escaped too
                // so tools that split lines on Unicode line breaks keep one item per line.
                if scalar.value < 0x20 || scalar.value == 0x85 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `value` as a JSON number: integers without a fraction, others in shortest round-trip
    /// form; non-finite values as null.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A JSON value read as a number (numbers, and booleans as 0/1).
    static func double(_ any: Any?) -> Double? {
        switch any {
        case let n as NSNumber: return n.doubleValue
        case let d as Double: return d
        case let i as Int: return Double(i)
        case let b as Bool: return b ? 1 : 0
        default: return nil
        }
    }

    /// A JSON value read as a string (numbers are rendered).
    static func string(_ any: Any?) -> String? {
        switch any {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        default: return nil
        }
    }
}
