/// Typed columns of the in-memory store. Nulls are sentinels: `Int64.min` (int, money),
/// NaN (decimal), `Day.null` (date), -1 (bool, enum codes), an empty string (strings and
/// lists: an empty cell is null, SPEC §3).
public enum Column: Sendable {
    case int(StoreArray<Int64>)
    /// Cents.
    case money(StoreArray<Int64>)
    case decimal(StoreArray<Double>)
    case date(StoreArray<Int32>)
    /// 0 false, 1 true, -1 null.
    case bool(StoreArray<Int8>)
    case enumeration(EnumColumn)
    case string(StringColumn)
    case list(ListColumn)

    public static let nullInt: Int64 = .min
}

/// Strings in one byte arena: row `i` is `bytes[offsets[i] ..< offsets[i + 1]]`. Offsets are
/// 32-bit (a data file, and so a column's text, is at most 4 GiB).
public struct StringColumn: Sendable {
    public var bytes: StoreArray<UInt8> = []
    public var offsets: StoreArray<UInt32> = [0]

    public init() {}

    public var count: Int { offsets.count - 1 }

    @inlinable
    public func isNull(_ row: Int) -> Bool { offsets[row] == offsets[row + 1] }

    @inlinable
    public func range(_ row: Int) -> Range<Int> { Int(offsets[row])..<Int(offsets[row + 1]) }

    public func string(_ row: Int) -> String {
        let r = range(row)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) }
    }

    @inlinable
    public mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: b)
        offsets.append(UInt32(truncatingIfNeeded: bytes.count))
    }

    public mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        offsets.append(UInt32(truncatingIfNeeded: bytes.count))
    }

    @inlinable
    public mutating func appendNull() { offsets.append(UInt32(truncatingIfNeeded: bytes.count)) }

    public mutating func removeLast() {
        offsets.removeLast()
        let end = Int(offsets[offsets.count - 1])
        bytes.modify { $0.removeSubrange(end...) }
    }
}

/// A picklist column: codes into `labels`, declared values first, then values first seen in the data.
public struct EnumColumn: Sendable {
    public var codes: StoreArray<Int32> = []
    public var domain: EnumDomain

    public init(domain: EnumDomain) { self.domain = domain }
}

/// The values of one picklist, in sort order.
public struct EnumDomain: Sendable, Hashable {
    /// `accounts.region`: identifies the domain in messages and type checks.
    public var name: String
    public var labels: [String]
    public var declaredCount: Int

    public init(name: String, declared: [String]) {
        self.name = name
        self.labels = declared
        self.declaredCount = declared.count
    }

    /// The code of a label, matched as the loader matches: case-insensitive, with spaces,
    /// dashes and underscores alike (`Closed Won` → `closed_won`).
    public func code(of label: String) -> Int32? {
        let key = EnumDomain.normalize(label)
        for (i, l) in labels.enumerated() where EnumDomain.normalize(l) == key { return Int32(i) }
        return nil
    }

    public static func normalize(_ s: String) -> String {
        String(decoding: s.utf8.map(normalizeByte), as: UTF8.self)
    }

    @inlinable
    public static func normalizeByte(_ c: UInt8) -> UInt8 {
        if c == 32 || c == 45 { return 95 }
        return asciiLower(c)
    }
}

/// A multi-select column: row `i` holds `items[offsets[i] ..< offsets[i + 1]]`, codes into `dictionary`.
public struct ListColumn: Sendable {
    public var offsets: StoreArray<Int32> = [0]
    public var items: StoreArray<Int32> = []
    public var dictionary: [String] = []

    public init() {}

    public func values(_ row: Int) -> [String] {
        (Int(offsets[row])..<Int(offsets[row + 1])).map { dictionary[Int(items[$0])] }
    }

    public func code(of value: String) -> Int32? {
        let folded = value.lowercased()
        for (i, v) in dictionary.enumerated() where v.lowercased() == folded { return Int32(i) }
        return nil
    }
}

/// Compressed sparse rows: the children of parent `p` are `rows[offsets[p] ..< offsets[p + 1]]`.
public struct CSR: Sendable {
    public var offsets: StoreArray<Int32>
    public var rows: StoreArray<Int32>

    /// Groups child rows by the parent row each points at (-1 = none), keeping child order.
    public init(links: [Int32], parentCount: Int) {
        self = links.withUnsafeBufferPointer { CSR(grouping: $0, plus: 0, parentCount: parentCount) }
    }

    /// Groups rows by `Int(keys[row]) + plus`, keeping row order; a row whose group is
    /// outside `0..<groupCount` is in none. (Postings group picklist codes by code + 1, so
    /// that null, -1, has group 0: no shifted copy of the codes is made.)
    init<T: FixedWidthInteger>(grouping keys: UnsafeBufferPointer<T>, plus: Int, parentCount groupCount: Int) {
        var counts = [Int32](repeating: 0, count: groupCount + 1)
        counts.withUnsafeMutableBufferPointer { c in
            for k in keys {
                let g = Int(k) &+ plus
                if UInt(bitPattern: g) < UInt(groupCount) { c[g + 1] &+= 1 }
            }
            for g in 0..<groupCount { c[g + 1] &+= c[g] }
        }
        var next = counts
        let total = Int(counts[groupCount])
        let rows = [Int32](unsafeUninitializedCapacity: total) { out, initialised in
            next.withUnsafeMutableBufferPointer { next in
                for (row, k) in keys.enumerated() {
                    let g = Int(k) &+ plus
                    if UInt(bitPattern: g) < UInt(groupCount) {
                        out[Int(next[g])] = Int32(truncatingIfNeeded: row)
                        next[g] &+= 1
                    }
                }
            }
            initialised = total
        }
        self.offsets = StoreArray(counts)
        self.rows = StoreArray(rows)
    }
}
