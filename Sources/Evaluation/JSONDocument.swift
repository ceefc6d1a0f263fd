/// A JSON document built in code with ordered keys; non-finite numbers render as `null`
/// (Foundation's serializer rejects them).
indirect enum JSONDocument: Sendable, Equatable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case array([JSONDocument])
    case object([(String, JSONDocument)])

    static func == (lhs: JSONDocument, rhs: JSONDocument) -> Bool { lhs.rendered() == rhs.rendered() }

    /// A number, or null when nil.
    static func optional(_ value: Double?) -> JSONDocument { value.map { .number($0) } ?? .null }

    /// The document as indented JSON text.
    func rendered(indent: Int = 0) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        render(into: &out, indent: indent)
        return String(decoding: out, as: UTF8.self)
    }

    private func render(into out: inout [UInt8], indent: Int) {
        switch self {
        case let .number(v): out.append(contentsOf: JSONText.number(v).utf8)
        case let .string(s): out.append(contentsOf: JSONText.quote(s).utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case let .array(items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            if items.allSatisfy({ if case .number = $0 { true } else { false } }) {
                out.append(UInt8(ascii: "["))
                for (k, item) in items.enumerated() {
                    if k > 0 { out.append(contentsOf: ", ".utf8) }
                    item.render(into: &out, indent: indent)
                }
                out.append(UInt8(ascii: "]"))
                return
            }
            out.append(contentsOf: "[\n".utf8)
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(contentsOf: ",\n".utf8) }
                Self.pad(&out, indent + 1)
                item.render(into: &out, indent: indent + 1)
            }
            out.append(UInt8(ascii: "\n"))
            Self.pad(&out, indent)
            out.append(UInt8(ascii: "]"))
        case let .object(fields):
            if fields.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(contentsOf: "{\n".utf8)
            for (k, field) in fields.enumerated() {
                if k > 0 { out.append(contentsOf: ",\n".utf8) }
                Self.pad(&out, indent + 1)
                out.append(contentsOf: JSONText.quote(field.0).utf8)
                out.append(contentsOf: ": ".utf8)
                field.1.render(into: &out, indent: indent + 1)
            }
            out.append(UInt8(ascii: "\n"))
            Self.pad(&out, indent)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func pad(_ out: inout [UInt8], _ level: Int) {
        for _ in 0..<(2 * level) { out.append(0x20) }
    }
}
