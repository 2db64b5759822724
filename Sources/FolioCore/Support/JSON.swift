/// A JSON value with its object members in the order written, for `folio.json`: read with
/// the place of every mistake (line and column), written pretty-printed with a stable order
/// (`folio init`). Recursion is bounded: nesting deeper than ``JSON/maxDepth`` is an error.
public indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double, text: String)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x, _), .number(let y, _)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The member `key` of an object.
    public subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// What the value is, for messages: "a string", "an object".
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "true or false"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }

    static let maxDepth = 64

    public struct SyntaxError: Error, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
    }

    // MARK: - Reading

    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSON {
        var p = Reader(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { p.i = 3 }
        p.space()
        let v = try p.value(depth: 0)
        p.space()
        if p.i < bytes.count { throw p.error("unexpected text after the JSON value") }
        return v
    }

    struct Reader {
        let bytes: [UInt8]
        var i = 0

        func error(_ m: String) -> SyntaxError {
            var line = 1, start = 0
            for k in 0..<min(i, bytes.count) where bytes[k] == 10 {
                line += 1
                start = k + 1
            }
            let column = String(decoding: bytes[start..<min(i, bytes.count)], as: UTF8.self).count + 1
            return SyntaxError(line: line, column: column, message: m)
        }

        mutating func space() {
            while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13 { i += 1 }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> JSON {
            guard depth < JSON.maxDepth else { throw error("nested more than \(JSON.maxDepth) levels deep") }
            guard i < bytes.count else { throw error("unexpected end, expected a value") }
            switch bytes[i] {
            case 123: return try object(depth: depth)
            case 91: return try array(depth: depth)
            case 34: return .string(try string())
            case 116: try word("true"); return .bool(true)
            case 102: try word("false"); return .bool(false)
            case 110: try word("null"); return .null
            case 45, 48...57: return try number()
            default: throw error("unexpected '\(String(decoding: [bytes[i]], as: UTF8.self))', expected a value")
            }
        }

        mutating func word(_ w: String) throws(SyntaxError) {
            let u = Array(w.utf8)
            guard i + u.count <= bytes.count, Array(bytes[i..<(i + u.count)]) == u else { throw error("expected '\(w)'") }
            i += u.count
        }

        mutating func object(depth: Int) throws(SyntaxError) -> JSON {
            i += 1
            var members: [(String, JSON)] = []
            space()
            if i < bytes.count, bytes[i] == 125 {
                i += 1
                return .object(members)
            }
            while true {
                space()
                guard i < bytes.count, bytes[i] == 34 else { throw error("expected a key in double quotes") }
                let keyStart = i
                let key = try string()
                if members.contains(where: { $0.0 == key }) {
                    i = keyStart
                    throw error("the key \"\(key)\" appears twice in this object")
                }
                space()
                guard i < bytes.count, bytes[i] == 58 else { throw error("expected ':' after the key") }
                i += 1
                space()
                members.append((key, try value(depth: depth + 1)))
                space()
                guard i < bytes.count else { throw error("unexpected end, expected ',' or '}'") }
                if bytes[i] == 44 {
                    i += 1
                    continue
                }
                if bytes[i] == 125 {
                    i += 1
                    return .object(members)
                }
                throw error("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> JSON {
            i += 1
            var items: [JSON] = []
            space()
            if i < bytes.count, bytes[i] == 93 {
                i += 1
                return .array(items)
            }
            while true {
                space()
                items.append(try value(depth: depth + 1))
                space()
                guard i < bytes.count else { throw error("unexpected end, expected ',' or ']'") }
                if bytes[i] == 44 {
                    i += 1
                    continue
                }
                if bytes[i] == 93 {
                    i += 1
                    return .array(items)
                }
                throw error("expected ',' or ']'")
            }
        }

        mutating func string() throws(SyntaxError) -> String {
            i += 1
            var out: [UInt8] = []
            while true {
                guard i < bytes.count else { throw error("unterminated string") }
                let c = bytes[i]
                if c == 34 {
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if c < 0x20 { throw error("a control character inside a string (write \\n, \\t)") }
                if c != 92 {
                    out.append(c)
                    i += 1
                    continue
                }
                i += 1
                guard i < bytes.count else { throw error("unterminated string") }
                switch bytes[i] {
                case 34: out.append(34)
                case 92: out.append(92)
                case 47: out.append(47)
                case 98: out.append(8)
                case 102: out.append(12)
                case 110: out.append(10)
                case 114: out.append(13)
                case 116: out.append(9)
                case 117:
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), i + 2 < bytes.count, bytes[i + 1] == 92, bytes[i + 2] == 117 {
                        i += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) { scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) }
                    }
                    let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out += Array(String(Character(u)).utf8)
                default: throw error("an unknown escape in a string")
                }
                i += 1
            }
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard i + 4 < bytes.count else { throw error("a \\u escape needs four hex digits") }
            var v: UInt32 = 0
            for k in 1...4 {
                let c = bytes[i + k]
                let d: UInt32
                switch c {
                case 48...57: d = UInt32(c - 48)
                case 65...70: d = UInt32(c - 55)
                case 97...102: d = UInt32(c - 87)
                default: throw error("a \\u escape needs four hex digits")
                }
                v = v * 16 + d
            }
            i += 4
            return v
        }

        mutating func number() throws(SyntaxError) -> JSON {
            let start = i
            if bytes[i] == 45 { i += 1 }
            while i < bytes.count, (48...57).contains(bytes[i]) || bytes[i] == 46 || bytes[i] == 101 || bytes[i] == 69 || bytes[i] == 43 || bytes[i] == 45 { i += 1 }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            guard let d = Double(text), d.isFinite else {
                i = start
                throw error("a malformed number")
            }
            return .number(d, text: text)
        }
    }

    // MARK: - Writing

    /// Pretty-printed, two spaces an indent, members in their order; short arrays and
    /// objects of scalars stay on one line.
    public func pretty(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent)
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(_, let text): return text
        case .string(let s): return JSON.quote(s)
        case .array(let items):
            if items.isEmpty { return "[]" }
            let inline = "[" + items.map { $0.pretty() }.joined(separator: ", ") + "]"
            if items.allSatisfy(\.isScalar), inline.count + indent * 2 <= 100 { return inline }
            return "[\n" + items.map { pad + "  " + $0.pretty(indent: indent + 1) }.joined(separator: ",\n") + "\n" + pad + "]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            let inline = "{" + members.map { JSON.quote($0.0) + ": " + $0.1.pretty() }.joined(separator: ", ") + "}"
            if members.allSatisfy({ $0.1.isScalar }), inline.count + indent * 2 <= 100, members.count <= 4 { return inline }
            return "{\n" + members.map { pad + "  " + JSON.quote($0.0) + ": " + $0.1.pretty(indent: indent + 1) }.joined(separator: ",\n") + "\n" + pad + "}"
        }
    }

    var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
