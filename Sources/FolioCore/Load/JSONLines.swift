/// A reader for one JSON object per line (JSONL): each member becomes a key and a cell.
///
/// Values are reduced to the loader's cells: strings unescaped, numbers and `true`/`false`
/// as their text, `null` as an empty cell, arrays of scalars as list items. Nested objects
/// are an error.
struct JSONLineReader {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0
    private(set) var line = 0
    private(set) var lineStart = 0

    /// Members of the current object: key and value ranges into `scratch` or the file.
    var keys: [UnsafeBufferPointer<UInt8>] = []
    var values: [UnsafeBufferPointer<UInt8>] = []
    /// For array values: the items, else empty.
    var items: [[UnsafeBufferPointer<UInt8>]] = []
    var isArray: [Bool] = []
    private var pendingRanges: [(Bool, Int, Int)] = []  // (inScratch, start, end) while parsing
    let scratch = ByteBuffer()

    struct Problem: Error {
        var offset: Int
        var message: String
    }

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// Reads the next non-blank line's object; false at end of input.
    mutating func next() throws(Problem) -> Bool {
        keys.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        items.removeAll(keepingCapacity: true)
        isArray.removeAll(keepingCapacity: true)
        scratch.clear()
        let n = bytes.count
        while true {
            skipSpace()
            if position >= n { return false }
            if bytes[position] == 10 {
                position += 1
                line += 1
                lineStart = position
                continue
            }
            break
        }
        line += 1
        lineStart = position
        // Ranges are collected first and turned into pointers at the end, because the scratch buffer may move while it grows.
        var memberRanges: [((Bool, Int, Int), [(Bool, Int, Int)], Bool)] = []
        try expect(123)
        skipSpace()
        if peek() == 125 {
            position += 1
        } else {
            while true {
                skipSpace()
                guard peek() == 34 else { throw Problem(offset: position, message: "expected a quoted key") }
                let key = try parseString()
                skipSpace()
                try expect(58)
                skipSpace()
                if peek() == 91 {
                    position += 1
                    var list: [(Bool, Int, Int)] = []
                    skipSpace()
                    if peek() == 93 {
                        position += 1
                    } else {
                        while true {
                            skipSpace()
                            list.append(try parseScalar())
                            skipSpace()
                            if peek() == 44 { position += 1; continue }
                            try expect(93)
                            break
                        }
                    }
                    memberRanges.append((key, list, true))
                } else {
                    memberRanges.append((key, [try parseScalar()], false))
                }
                skipSpace()
                if peek() == 44 { position += 1; continue }
                try expect(125)
                break
            }
        }
        skipSpace()
        if position < n, bytes[position] == 13 { position += 1 }
        if position < n {
            guard bytes[position] == 10 else { throw Problem(offset: position, message: "expected the end of the line after the object") }
            position += 1
        }
        for (key, vals, array) in memberRanges {
            keys.append(pointer(key))
            isArray.append(array)
            if array {
                values.append(UnsafeBufferPointer(start: nil, count: 0))
                items.append(vals.map(pointer))
            } else {
                values.append(vals.first.map(pointer) ?? UnsafeBufferPointer(start: nil, count: 0))
                items.append([])
            }
        }
        return true
    }

    /// Skips the rest of the current line after a problem; false at end of input.
    mutating func skipLine() -> Bool {
        while position < bytes.count, bytes[position] != 10 { position += 1 }
        guard position < bytes.count else { return false }
        position += 1
        return true
    }

    private func pointer(_ r: (Bool, Int, Int)) -> UnsafeBufferPointer<UInt8> {
        r.0 ? scratch.slice(r.1..<r.2) : UnsafeBufferPointer(rebasing: bytes[r.1..<r.2])
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while position < bytes.count, bytes[position] == 32 || bytes[position] == 9 || bytes[position] == 13 { position += 1 }
    }

    private mutating func expect(_ c: UInt8) throws(Problem) {
        guard peek() == c else {
            throw Problem(offset: position, message: "expected '\(Character(UnicodeScalar(c)))'")
        }
        position += 1
    }

    private mutating func parseScalar() throws(Problem) -> (Bool, Int, Int) {
        guard let c = peek() else { throw Problem(offset: position, message: "unexpected end of line") }
        switch c {
        case 34: return try parseString()
        case 123, 91: throw Problem(offset: position, message: "nested objects and arrays are not supported")
        case 110:
            try literal("null")
            return (false, position, position)
        case 116:
            let s = position
            try literal("true")
            return (false, s, position)
        case 102:
            let s = position
            try literal("false")
            return (false, s, position)
        default:
            let s = position
            while let d = peek(), (d >= 48 && d <= 57) || d == 45 || d == 43 || d == 46 || d == 101 || d == 69 { position += 1 }
            guard position > s else { throw Problem(offset: position, message: "expected a value") }
            return (false, s, position)
        }
    }

    private mutating func literal(_ word: StaticString) throws(Problem) {
        let n = word.utf8CodeUnitCount
        guard position + n <= bytes.count else { throw Problem(offset: position, message: "expected a value") }
        for i in 0..<n where bytes[position + i] != word.utf8Start[i] {
            throw Problem(offset: position, message: "expected a value")
        }
        position += n
    }

    private mutating func parseString() throws(Problem) -> (Bool, Int, Int) {
        let open = position
        position += 1
        let start = position
        while position < bytes.count {
            let c = bytes[position]
            if c == 34 {
                position += 1
                return (false, start, position - 1)
            }
            if c == 92 { break }
            if c == 10 { break }
            position += 1
        }
        // Escapes: copy into scratch.
        let s = scratch.count
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let c = bytes[position]
            if c == 34 {
                position += 1
                return (true, s, scratch.count)
            }
            if c == 10 { break }
            if c == 92 {
                position += 1
                guard let e = peek() else { break }
                position += 1
                switch e {
                case 34, 92, 47: scratch.append(e)
                case 98: scratch.append(8)
                case 102: scratch.append(12)
                case 110: scratch.append(10)
                case 114: scratch.append(13)
                case 116: scratch.append(9)
                case 117:
                    var scalar = try hex4()
                    if scalar >= 0xD800, scalar < 0xDC00, peek() == 92, position + 1 < bytes.count, bytes[position + 1] == 117 {
                        position += 2
                        let low = try hex4()
                        // A high surrogate pairs only with a low one (\uDC00–\uDFFF).
                        guard low >= 0xDC00, low <= 0xDFFF else { throw Problem(offset: position - 6, message: "invalid \\u escape: a high surrogate not followed by a low one") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = UnicodeScalar(scalar) else { throw Problem(offset: position, message: "invalid \\u escape") }
                    for b in String(Character(u)).utf8 { scratch.append(b) }
                default: throw Problem(offset: position - 1, message: "invalid escape in string")
                }
                continue
            }
            scratch.append(c)
            position += 1
        }
        throw Problem(offset: open, message: "unterminated string")
    }

    private mutating func hex4() throws(Problem) -> UInt32 {
        guard position + 4 <= bytes.count else { throw Problem(offset: position, message: "invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 97...102: d = UInt32(c - 87)
            case 65...70: d = UInt32(c - 55)
            default: throw Problem(offset: position, message: "invalid \\u escape")
            }
            v = v << 4 | d
            position += 1
        }
        return v
    }
}
