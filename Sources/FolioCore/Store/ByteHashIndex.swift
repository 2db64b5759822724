/// An open-addressing hash index from the strings of a ``StringColumn`` to row numbers,
/// built without allocating a `String` per row. Used for every entity's `id`.
///
/// The hash folds ASCII case, so one table serves both exact lookups (foreign keys,
/// duplicate checks) and the case-insensitive equality of queries (`id = "a0000042"`).
public struct ByteHashIndex: Sendable {
    private var slots: [Int32]
    private var mask: Int
    private var used = 0

    public init(capacity: Int = 16) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        slots = [Int32](repeating: -1, count: c)
        mask = c - 1
    }

    /// The row whose string equals `key` exactly.
    public func lookup(_ key: UnsafeBufferPointer<UInt8>, in column: StringColumn) -> Int32? {
        if key.isEmpty { return nil }
        return column.bytes.withUnsafeBufferPointer { bytes in
            var slot = Self.hash(key) & mask
            while true {
                let row = slots[slot]
                if row < 0 { return nil }
                let r = column.range(Int(row))
                if r.count == key.count && memcmpEqual(bytes, r.lowerBound, key) { return row }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Every row whose string equals `key` ignoring ASCII case, in row order.
    public func lookupFolded(_ key: UnsafeBufferPointer<UInt8>, in column: StringColumn) -> [Int32] {
        if key.isEmpty { return [] }
        var found: [Int32] = []
        column.bytes.withUnsafeBufferPointer { bytes in
            var slot = Self.hash(key) & mask
            while true {
                let row = slots[slot]
                if row < 0 { break }
                let r = column.range(Int(row))
                if r.count == key.count {
                    var same = true
                    for i in 0..<key.count where asciiLower(bytes[r.lowerBound + i]) != asciiLower(key[i]) {
                        same = false
                        break
                    }
                    if same { found.append(row) }
                }
                slot = (slot + 1) & mask
            }
        }
        return found.sorted()
    }

    public func lookup(_ key: String, in column: StringColumn) -> Int32? {
        var key = key
        return key.withUTF8 { lookup($0, in: column) }
    }

    /// Adds `row` (already in `column`) unless an equal string is indexed; returns that row if so.
    /// One probe serves both the duplicate check and the insertion.
    public mutating func insertUnlessPresent(row: Int, in column: StringColumn) -> Int32? {
        if (used + 1) * 2 > slots.count { rehash(column, capacity: slots.count * 2) }
        let mask = mask
        let found: Int32? = column.bytes.withUnsafeBufferPointer { bytes in
            column.offsets.withUnsafeBufferPointer { offsets in
                slots.withUnsafeMutableBufferPointer { slots in
                    let lo = offsets[row], hi = offsets[row + 1]
                    let key = UnsafeBufferPointer(rebasing: bytes[lo..<hi])
                    var slot = Self.hash(key) & mask
                    while true {
                        let existing = slots[slot]
                        if existing < 0 {
                            slots[slot] = Int32(row)
                            return nil
                        }
                        let elo = offsets[Int(existing)], ehi = offsets[Int(existing) + 1]
                        if ehi - elo == hi - lo, memcmpEqual(bytes, elo, key) { return existing }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
        if found == nil { used += 1 }
        return found
    }

    /// Adds `row` (already appended to `column`); the caller has checked it is not a duplicate.
    public mutating func insert(row: Int, in column: StringColumn) {
        if (used + 1) * 2 > slots.count { rehash(column, capacity: slots.count * 2) }
        column.bytes.withUnsafeBufferPointer { bytes in
            place(row, bytes, column)
        }
        used += 1
    }

    private mutating func place(_ row: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ column: StringColumn) {
        let r = column.range(row)
        var slot = Self.hash(UnsafeBufferPointer(rebasing: bytes[r])) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(row)
    }

    private mutating func rehash(_ column: StringColumn, capacity: Int) {
        let old = slots
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        column.bytes.withUnsafeBufferPointer { bytes in
            for row in old where row >= 0 { place(Int(row), bytes, column) }
        }
    }

    @inlinable
    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        // FNV-1a, then a finaliser so that sequential ids spread over the table.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in b {
            h = (h ^ UInt64(asciiLower(c))) &* 0x100_0000_01b3
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return Int(truncatingIfNeeded: h)
    }
}

@inlinable
func memcmpEqual(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
    for i in 0..<key.count where b[start + i] != key[i] { return false }
    return true
}
