import CPrefetch

/// An open-addressing hash index from the strings of a ``StringColumn`` to row numbers,
/// built without allocating a `String` per row. Used for every entity's `id`.
///
/// The hash folds ASCII case, so one table serves both exact lookups (foreign keys,
/// duplicate checks) and the case-insensitive equality of queries (`id = "a0000042"`).
/// Each slot keeps 32 bits of its key's hash beside the row, so a probe reads the string
/// arena (a likely cache miss) only when the hashes agree.
public struct ByteHashIndex: Sendable {
    /// 0 for an empty slot, else `hash << 32 | (row + 1)`.
    private var slots: StoreArray<UInt64>
    private var used = 0

    public init(capacity: Int = 16) {
        // Three quarters full at most, and no more: the tags in the slots keep probes cheap,
        // and a table for millions of ids is a large part of a store (a power of two would
        // leave 8.2M activity ids in 16.8M slots, 134 MB, instead of 10.9M).
        slots = StoreArray(Self.emptySlots(Self.slotCount(for: capacity)))
    }

    /// Slots for `n` keys: at least 16, at most three quarters full.
    static func slotCount(for n: Int) -> Int { max(16, (n * 4 + 2) / 3) }

    /// The first slot of hash `h` among `count`: its low 32 bits scaled to the table (the
    /// high 32 are the tag, so the two stay independent).
    @inline(__always)
    static func home(_ h: UInt64, _ count: Int) -> Int { Int(((h & 0xFFFF_FFFF) &* UInt64(count)) >> 32) }

    /// The slot after `slot`, wrapping.
    @inline(__always)
    static func next(_ slot: Int, _ count: Int) -> Int { slot + 1 == count ? 0 : slot + 1 }

    /// The table as stored in a snapshot, and back: the slots (a power of two, at least 16)
    /// and how many are used.
    var raw: (slots: StoreArray<UInt64>, used: Int) { (slots, used) }

    init?(rawSlots: StoreArray<UInt64>, used: Int) {
        guard rawSlots.count >= 16, rawSlots.count < 1 << 32, used >= 0, used < rawSlots.count else { return nil }
        slots = rawSlots
        self.used = used
    }

    @inline(__always)
    static func tag(_ h: UInt64) -> UInt64 { h & 0xFFFF_FFFF_0000_0000 }

    /// The row whose string equals `key` exactly.
    public func lookup(_ key: UnsafeBufferPointer<UInt8>, in column: StringColumn) -> Int32? {
        if key.isEmpty { return nil }
        let h = Self.hash(key)
        return column.bytes.withUnsafeBufferPointer { bytes in
            column.offsets.withUnsafeBufferPointer { offsets in
                slots.withUnsafeBufferPointer { slots in
                    let (_, row) = Self.probe(key, h, bytes, offsets, slots)
                    return row < 0 ? nil : Int32(row)
                }
            }
        }
    }

    /// Every row whose string equals `key` ignoring ASCII case, in row order.
    public func lookupFolded(_ key: UnsafeBufferPointer<UInt8>, in column: StringColumn) -> [Int32] {
        if key.isEmpty { return [] }
        let h = Self.hash(key)
        let tag = Self.tag(h)
        var found: [Int32] = []
        column.bytes.withUnsafeBufferPointer { bytes in
            var slot = Self.home(h, slots.count)
            while true {
                let s = slots[slot]
                if s == 0 { break }
                if Self.tag(s) == tag {
                    let row = Int(s & 0xFFFF_FFFF) - 1
                    let r = column.range(row)
                    if r.count == key.count {
                        var same = true
                        for i in 0..<key.count where asciiLower(bytes[r.lowerBound + i]) != asciiLower(key[i]) {
                            same = false
                            break
                        }
                        if same { found.append(Int32(row)) }
                    }
                }
                slot = Self.next(slot, slots.count)
            }
        }
        return found.sorted()
    }

    public func lookup(_ key: String, in column: StringColumn) -> Int32? {
        var key = key
        return key.withUTF8 { lookup($0, in: column) }
    }

    /// Indexes every row of `column` (the index must be empty); returns `(row, earlier row)` for
    /// each string seen before. Rows go in batches: the slots of a batch are read first, so that
    /// their cache misses overlap instead of stalling one insertion after another.
    public mutating func insertAll(_ column: StringColumn) -> [(row: Int, first: Int)] {
        let n = column.count
        while n * 4 > slots.count * 3 { rehash(column, capacity: slots.count * 2) }
        var duplicates: [(Int, Int)] = []
        var inserted = 0
        column.bytes.withUnsafeBufferPointer { bytes in
            column.offsets.withUnsafeBufferPointer { offsets in
                slots.withUnsafeMutableBufferPointer { slots in
                    var hashes = [UInt64](repeating: 0, count: Self.batch)
                    var start = 0
                    while start < n {
                        let end = min(n, start + Self.batch)
                        Self.hashBatch(start..<end, bytes, offsets, UnsafeBufferPointer(slots), into: &hashes)
                        for row in start..<end {
                            let lo = Int(offsets[row]), hi = Int(offsets[row + 1])
                            if lo == hi { continue }
                            let h = hashes[row - start]
                            let key = UnsafeBufferPointer(rebasing: bytes[lo..<hi])
                            let (slot, existing) = Self.probe(key, h, bytes, offsets, UnsafeBufferPointer(slots))
                            if existing >= 0 {
                                duplicates.append((row, existing))
                            } else {
                                slots[slot] = Self.tag(h) | UInt64(row + 1)
                                inserted += 1
                            }
                        }
                        start = end
                    }
                }
            }
        }
        used += inserted
        return duplicates
    }

    /// Looks up every string of `keys` (exactly), in batches as ``insertAll(_:)`` does:
    /// the row of each, -1 for an empty key, -2 for a key with no row.
    public func lookupAll(_ keys: StringColumn, in column: StringColumn) -> [Int32] {
        var result = [Int32](repeating: -1, count: keys.count)
        result.withUnsafeMutableBufferPointer { lookupAll(keys, rows: 0..<keys.count, in: column, into: $0) }
        return result
    }

    /// ``lookupAll(_:in:)`` for the keys of `rows`, written to the same places of `result`
    /// (so that row ranges can be looked up side by side). Two guesses come before a probe,
    /// for files exported in parent order: a key equal to the one before it reuses its
    /// answer, and a key equal to the id of the row after the previous answer is that row.
    public func lookupAll(_ keys: StringColumn, rows: Range<Int>, in column: StringColumn, into result: UnsafeMutableBufferPointer<Int32>) {
        keys.bytes.withUnsafeBufferPointer { keyBytes in
            keys.offsets.withUnsafeBufferPointer { keyOffsets in
                column.bytes.withUnsafeBufferPointer { bytes in
                    column.offsets.withUnsafeBufferPointer { offsets in
                        slots.withUnsafeBufferPointer { slots in
                            var hashes = [UInt64](repeating: 0, count: Self.batch)
                            var previous = 0..<0
                            var previousRow: Int32 = -1
                            var start = rows.lowerBound
                            while start < rows.upperBound {
                                let end = min(rows.upperBound, start + Self.batch)
                                Self.hashBatch(start..<end, keyBytes, keyOffsets, slots, into: &hashes)
                                for row in start..<end {
                                    let klo = Int(keyOffsets[row]), khi = Int(keyOffsets[row + 1])
                                    if klo == khi {
                                        result[row] = -1
                                        continue
                                    }
                                    let key = UnsafeBufferPointer(rebasing: keyBytes[klo..<khi])
                                    if previous.count == key.count, memcmpEqual(keyBytes, previous.lowerBound, key) {
                                        result[row] = previousRow
                                        continue
                                    }
                                    previous = klo..<khi
                                    let next = Int(previousRow) + 1
                                    if previousRow >= 0, next < offsets.count - 1, Int(offsets[next + 1] - offsets[next]) == key.count,
                                       memcmpEqual(bytes, Int(offsets[next]), key) {
                                        previousRow = Int32(next)
                                    } else {
                                        let (_, found) = Self.probe(key, hashes[row - start], bytes, offsets, slots)
                                        previousRow = found < 0 ? -2 : Int32(found)
                                    }
                                    result[row] = previousRow
                                }
                                start = end
                            }
                        }
                    }
                }
            }
        }
    }

    static let batch = 32

    /// Linear probing for `key` (whose hash is `h`): the row holding an equal string, or -1
    /// with the empty slot where it would go.
    @inline(__always)
    static func probe(_ key: UnsafeBufferPointer<UInt8>, _ h: UInt64, _ bytes: UnsafeBufferPointer<UInt8>, _ offsets: UnsafeBufferPointer<UInt32>,
                      _ slots: UnsafeBufferPointer<UInt64>) -> (slot: Int, row: Int) {
        let tag = Self.tag(h)
        var slot = home(h, slots.count)
        while true {
            let s = slots[slot]
            if s == 0 { return (slot, -1) }
            if Self.tag(s) == tag {
                let row = Int(s & 0xFFFF_FFFF) - 1
                let lo = Int(offsets[row]), hi = Int(offsets[row + 1])
                if hi - lo == key.count && memcmpEqual(bytes, lo, key) { return (slot, row) }
            }
            slot = next(slot, slots.count)
        }
    }

    /// Hashes the strings of `rows` into `hashes` and prefetches each one's first slot, so
    /// that the cache misses of a batch overlap before the probes that need them.
    @inline(__always)
    static func hashBatch(_ rows: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>, _ offsets: UnsafeBufferPointer<UInt32>,
                          _ slots: UnsafeBufferPointer<UInt64>, into hashes: inout [UInt64]) {
        guard let base = slots.baseAddress else { return }
        for row in rows {
            let h = hash(UnsafeBufferPointer(rebasing: bytes[Int(offsets[row])..<Int(offsets[row + 1])]))
            hashes[row - rows.lowerBound] = h
            folio_prefetch(base + home(h, slots.count))
        }
    }

    /// A table of `count` empty slots on huge pages where the system allows: probes land
    /// anywhere in a table of tens of megabytes, and with 4 KiB pages nearly every one
    /// would also miss the TLB.
    static func emptySlots(_ count: Int) -> [UInt64] {
        [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            buffer.initialize(repeating: 0)
            initialized = count
        }
    }


    private mutating func rehash(_ column: StringColumn, capacity: Int) {
        slots = StoreArray(Self.rehashed(slots, capacity: capacity, keys: column))
    }

    /// `old`'s slots (`tag | (n + 1)`, string `n` of `keys` the key) in a table of `capacity`.
    static func rehashed(_ old: some Sequence<UInt64>, capacity: Int, keys: StringColumn) -> [UInt64] {
        var slots = emptySlots(capacity)
        keys.bytes.withUnsafeBufferPointer { bytes in
            for s in old where s != 0 {
                // The slot keeps only the high hash bits; the low ones that pick the slot come from the key.
                let n = Int(s & 0xFFFF_FFFF) - 1
                var slot = home(hash(UnsafeBufferPointer(rebasing: bytes[keys.range(n)])), capacity)
                while slots[slot] != 0 { slot = next(slot, capacity) }
                slots[slot] = s
            }
        }
        return slots
    }

    /// A multiply-xor hash over ASCII-folded bytes, eight at a time, then a finaliser so
    /// that sequential ids spread over the table. (Byte-at-a-time FNV was a tenth of a load.)
    @inlinable
    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(truncatingIfNeeded: b.count)
        guard let base = b.baseAddress else { return finalise(h) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= b.count {
            h = (h ^ foldASCIIWord(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        if i < b.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < b.count {
                tail |= UInt64(b[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ foldASCIIWord(tail)) &* 0x9E37_79B9_7F4A_7C15
        }
        return finalise(h)
    }

    @inlinable
    static func finalise(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }

    /// Lower-cases the ASCII capitals among eight bytes at once (other bytes unchanged).
    @inlinable
    static func foldASCIIWord(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let low7 = w & ~high
        let atLeastA = low7 &+ ones &* (0x80 - 0x41)      // high bit set where byte >= 'A'
        let pastZ = low7 &+ ones &* (0x80 - 0x5B)         // high bit set where byte > 'Z'
        let capitals = atLeastA & ~pastZ & ~w & high      // ASCII bytes in 'A'...'Z'
        return w | (capitals >> 2)                        // 0x80 >> 2 == 0x20
    }
}

@inlinable
func memcmpEqual(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
    for i in 0..<key.count where b[start + i] != key[i] { return false }
    return true
}
