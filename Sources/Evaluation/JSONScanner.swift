#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small, fast JSON reader for the native dataset lines: parses one value from UTF-8 bytes
/// into a `JSONNode` tree. Numbers go through `Double(String)`, which rounds correctly.
/// (`JSONDecoder` is several times slower on large datasets; `JSONSerialization` on Linux can
/// be off by an ulp.)
indirect enum JSONNode {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONNode])
    /// Members in file order (objects here are small, so a list beats hashing).
    case object([(String, JSONNode)])

    /// The value as a number (booleans as 0/1).
    var number: Double? {
        switch self {
        case let .number(v): v
        case let .bool(b): b ? 1 : 0
        default: nil
        }
    }

    /// The value as text (numbers rendered, integers without a fraction).
    var text: String? {
        switch self {
        case let .string(s): s
        case let .number(v): v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        default: nil
        }
    }

    /// The member `key` of an object.
    subscript(key: String) -> JSONNode? {
        if case let .object(members) = self {
            for (name, value) in members where name == key { return value }
        }
        return nil
    }
}

/// Why a JSON text could not be read.
struct JSONScanError: Error {
    var offset: Int
    var reason: String
}

struct JSONScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i: Int

    /// Parses exactly one JSON value filling `bytes` (surrounding whitespace allowed).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONScanError) -> JSONNode {
        var scanner = JSONScanner(bytes: bytes, i: 0)
        let value = try scanner.value()
        scanner.skipSpace()
        guard scanner.i == bytes.count else { throw JSONScanError(offset: scanner.i, reason: "text after the value") }
        return value
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
    }

    private mutating func value() throws(JSONScanError) -> JSONNode {
        skipSpace()
        guard i < bytes.count else { throw JSONScanError(offset: i, reason: "unexpected end") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONScanError) {
        let count = word.utf8CodeUnitCount
        guard i + count <= bytes.count else { throw JSONScanError(offset: i, reason: "bad literal") }
        for k in 0..<count where bytes[i + k] != word.utf8Start[k] {
            throw JSONScanError(offset: i, reason: "bad literal")
        }
        i += count
    }

    private mutating func object() throws(JSONScanError) -> JSONNode {
        i += 1
        var members: [(String, JSONNode)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw JSONScanError(offset: i, reason: "expected a key") }
            let key = try string()
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw JSONScanError(offset: i, reason: "expected ':'") }
            i += 1
            members.append((key, try value()))
            skipSpace()
            guard i < bytes.count else { throw JSONScanError(offset: i, reason: "unterminated object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw JSONScanError(offset: i, reason: "expected ',' or '}'")
        }
    }

    private mutating func array() throws(JSONScanError) -> JSONNode {
        i += 1
        var items: [JSONNode] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            items.append(try value())
            skipSpace()
            guard i < bytes.count else { throw JSONScanError(offset: i, reason: "unterminated array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw JSONScanError(offset: i, reason: "expected ',' or ']'")
        }
    }

    private mutating func string() throws(JSONScanError) -> String {
        i += 1
        let start = i
        // Fast path: no escapes. memchr finds the closing quote, then a backslash before it.
        if let base = bytes.baseAddress, i < bytes.count,
           let quote = memchr(base + i, 0x22, bytes.count - i) {
            let end = base.distance(to: quote.assumingMemoryBound(to: UInt8.self))
            if memchr(base + i, 0x5C, end - i) == nil {
                i = end + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
        }
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\") { i += 1 }
        guard i < bytes.count else { throw JSONScanError(offset: start, reason: "unterminated string") }
        if bytes[i] == UInt8(ascii: "\"") {
            i += 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(i - 1)]), as: UTF8.self)
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let low = try hex4()
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(character).utf8))
            default:
                throw JSONScanError(offset: i - 1, reason: "bad escape")
            }
        }
        throw JSONScanError(offset: start, reason: "unterminated string")
    }

    private mutating func hex4() throws(JSONScanError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw JSONScanError(offset: i, reason: "bad \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw JSONScanError(offset: i, reason: "bad \\u escape")
            }
            value = value * 16 + digit
            i += 1
        }
        return value
    }

    private mutating func number() throws(JSONScanError) -> Double {
        let start = i
        while i < bytes.count {
            let b = bytes[i]
            let isNumberByte = (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
            guard isNumberByte else { break }
            i += 1
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard i > start, let first = text.utf8.first, first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
              let value = Double(text), value.isFinite else {
            throw JSONScanError(offset: start, reason: "not a JSON value")
        }
        return value
    }
}

extension JSONNode {
    /// True for JSON `null`.
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
