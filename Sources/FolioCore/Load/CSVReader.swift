import CPrefetch

/// An RFC 4180 record reader over the bytes of a whole file.
///
/// Fields are byte ranges into the file, or into `scratch` when a quoted field had doubled
/// quotes to undo. Tracks line numbers so that errors can name them. Quoted fields may hold
/// commas, quotes and newlines; CRLF and LF both end records; a quote inside an unquoted
/// field is kept as a literal character (as most CSV writers expect).
struct CSVReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let delimiter: UInt8
    private(set) var position: Int
    /// The line the next record starts on.
    private(set) var line = 1
    /// Where the current record starts, and its first line.
    private(set) var recordStart = 0
    private(set) var recordLine = 1

    /// Where bytes may end an unquoted field (``folio_field_ends64``): bit i for byte
    /// `endsBase + i`. A pure function of the bytes, so it stays valid for any position in
    /// its 64 bytes, whatever was parsed in between.
    private var endsBase = Int.min
    private var ends: UInt64 = 0

    /// Field bounds of the current record; a field in `scratch` has its start stored as `-1 - start`.
    let fields = FieldBounds()
    let scratch = ByteBuffer()

    init(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8 = 44) {
        self.bytes = bytes
        self.delimiter = delimiter
        // Skip a UTF-8 byte order mark.
        position = (bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) ? 3 : 0
    }

    /// A reader that starts at a record boundary inside the file, counting lines from 1 there.
    init(bytes: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8 = 44) {
        self.bytes = bytes
        self.delimiter = delimiter
        position = start
    }

    enum Problem: Error {
        case unterminatedQuote(line: Int, offset: Int)
        case junkAfterQuote(line: Int, offset: Int)
    }

    /// Moves past blank lines, so that `position` is where the next record starts.
    mutating func skipBlankLines() {
        while position < bytes.count, bytes[position] == 10 || bytes[position] == 13 {
            if bytes[position] == 10 { line += 1 }
            position += 1
        }
    }

    /// Reads the next record; false at end of input. Blank lines are skipped.
    mutating func next() throws(Problem) -> Bool {
        fields.count = 0
        scratch.clear()
        let n = bytes.count
        // Skip blank lines.
        while position < n, bytes[position] == 10 || bytes[position] == 13 {
            if bytes[position] == 10 { line += 1 }
            position += 1
        }
        if position >= n { return false }
        recordStart = position
        recordLine = line
        var p = position
        while true {
            if p < n, bytes[p] == 34 {
                // Quoted field.
                let openLine = line, openOffset = p
                p += 1
                let start = p
                var escaped = false
                var scratchStart = 0
                while true {
                    guard p < n else { throw .unterminatedQuote(line: openLine, offset: openOffset) }
                    let c = bytes[p]
                    if c == 34 {
                        if p + 1 < n, bytes[p + 1] == 34 {
                            if !escaped {
                                escaped = true
                                scratchStart = scratch.count
                                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<p]))
                            }
                            scratch.append(34)
                            p += 2
                            continue
                        }
                        break
                    }
                    if c == 10 { line += 1 }
                    if escaped { scratch.append(c) }
                    p += 1
                }
                if escaped {
                    fields.append(-1 - scratchStart, scratch.count)
                } else {
                    fields.append(start, p)
                }
                p += 1  // closing quote
                if p < n, bytes[p] != delimiter, bytes[p] != 10, bytes[p] != 13 {
                    throw .junkAfterQuote(line: line, offset: p)
                }
            } else {
                let start = p
                // Through the 64-byte masks of bytes that may end a field (one mask serves
                // the several fields it spans), then byte by byte near the end of the input.
                if let base = bytes.baseAddress {
                    while true {
                        let k = p &- endsBase
                        if k >= 0, k < 64 {
                            let rest = ends >> UInt64(k)
                            if rest != 0 {
                                p += rest.trailingZeroBitCount
                                break
                            }
                            p = endsBase + 64
                        }
                        guard p + 64 <= n else { break }
                        endsBase = p
                        ends = folio_field_ends64(base + p, delimiter)
                    }
                }
                while p < n {
                    let c = bytes[p]
                    if c == delimiter || c == 10 || c == 13 { break }
                    p += 1
                }
                fields.append(start, p)
            }
            if p < n, bytes[p] == delimiter {
                p += 1
                continue
            }
            // End of record.
            if p < n, bytes[p] == 13 { p += 1 }
            if p < n, bytes[p] == 10 {
                p += 1
                line += 1
            }
            position = p
            return true
        }
    }

    var fieldCount: Int { fields.count }

    /// The bytes of field `i` of the current record; valid until the next call to `next()`.
    func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let start = fields.starts[i], end = fields.ends[i]
        if start < 0 { return scratch.slice((-1 - start)..<end) }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// The 1-based character column of field `i` (for messages only).
    func column(ofField i: Int) -> Int {
        let start = fields.starts[i]
        return Self.column(of: start < 0 ? recordStart : start, in: bytes)
    }

    static func column(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var lineStart = min(offset, bytes.count)
        while lineStart > 0, bytes[lineStart - 1] != 10 { lineStart -= 1 }
        var col = 1
        var i = lineStart
        while i < offset, i < bytes.count {
            if bytes[i] & 0xC0 != 0x80 { col += 1 }
            i += 1
        }
        return col - (offset > lineStart && bytes[offset - 1] == 34 ? 1 : 0)
    }
}

/// Nonzero when some byte of `v` is zero; its lowest set bit is in the first zero byte.
@inline(__always)
func hasZeroByte(_ v: UInt64) -> UInt64 {
    (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
}

/// Checks that `bytes` is UTF-8; returns the offset of the first bad byte.
func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    let n = bytes.count
    var i = 0
    while i < n {
        // ASCII fast path, thirty-two then eight bytes at a time.
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 32 <= n {
                let words = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
                if words & 0x8080_8080_8080_8080 != 0 { break }
                i += 32
            }
            if i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            if i >= n { break }
        }
        let c = bytes[i]
        if c < 0x80 {
            i += 1
            continue
        }
        var need = 0
        var minScalar: UInt32 = 0
        var scalar: UInt32 = 0
        if c & 0xE0 == 0xC0 { need = 1; minScalar = 0x80; scalar = UInt32(c & 0x1F) }
        else if c & 0xF0 == 0xE0 { need = 2; minScalar = 0x800; scalar = UInt32(c & 0x0F) }
        else if c & 0xF8 == 0xF0 { need = 3; minScalar = 0x10000; scalar = UInt32(c & 0x07) }
        else { return i }
        guard i + need < n else { return i }
        for k in 1...need {
            let cc = bytes[i + k]
            guard cc & 0xC0 == 0x80 else { return i }
            scalar = scalar << 6 | UInt32(cc & 0x3F)
        }
        if scalar < minScalar || scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF) { return i }
        i += need + 1
    }
    return nil
}

/// The bounds of a record's fields, in buffers that grow but are never re-checked for
/// uniqueness on every append (a record's fields are appended millions of times a second).
final class FieldBounds {
    private(set) var starts: UnsafeMutablePointer<Int>
    private(set) var ends: UnsafeMutablePointer<Int>
    var count = 0
    private var capacity = 64

    init() {
        starts = .allocate(capacity: 64)
        ends = .allocate(capacity: 64)
    }

    deinit {
        starts.deallocate()
        ends.deallocate()
    }

    @inline(__always)
    func append(_ start: Int, _ end: Int) {
        if count == capacity { grow() }
        starts[count] = start
        ends[count] = end
        count += 1
    }

    private func grow() {
        let c = capacity * 2
        let s = UnsafeMutablePointer<Int>.allocate(capacity: c), e = UnsafeMutablePointer<Int>.allocate(capacity: c)
        s.update(from: starts, count: count)
        e.update(from: ends, count: count)
        starts.deallocate()
        ends.deallocate()
        starts = s
        ends = e
        capacity = c
    }
}

/// A growable byte buffer whose contents stay put between `clear()` calls once the writer
/// has finished, so that readers can hold `UnsafeBufferPointer`s into it.
final class ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    func clear() { count = 0 }

    func append(_ c: UInt8) {
        if count == capacity { grow(count + 1) }
        base[count] = c
        count += 1
    }

    func append(contentsOf b: UnsafeBufferPointer<UInt8>) {
        if count + b.count > capacity { grow(count + b.count) }
        if let src = b.baseAddress { (base + count).update(from: src, count: b.count) }
        count += b.count
    }

    func slice(_ r: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + r.lowerBound, count: r.count)
    }

    private func grow(_ needed: Int) {
        var c = capacity * 2
        while c < needed { c *= 2 }
        let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        nb.update(from: base, count: count)
        base.deallocate()
        base = nb
        capacity = c
    }
}
