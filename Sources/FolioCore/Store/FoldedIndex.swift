import Foundation

/// A case-folded index of a text column: the rows of each distinct value, where values that
/// `=` finds equal (case-insensitively, SPEC §4: `compareFolded`) are one value.
///
/// Each row's text is reduced to a canonical key: its ASCII letters lowered when it is all
/// ASCII (most text), else `lowercased()` in Unicode composed form (NFC), so that "É", "é"
/// and "e" + a combining acute share a key, as they compare equal. Keys go in an
/// open-addressing table (32 bits of hash and the value's number per slot); rows are kept
/// per value in row order (a CSR), so a lookup is a hash, a probe and a slice.
///
/// Built for a column when queries look values up in it (``FoldedIndexes``), not at load: one for every text column would add seconds and hundreds of megabytes to a load
/// of a million accounts, for lookups that are rare in this work.
struct FoldedIndex: Sendable {
    /// 0 for an empty slot, else `tag(hash) | (value + 1)`.
    private var slots: [UInt64]
    /// The canonical key of each value.
    private var keys = StringColumn()
    /// Rows of value `v`: `rows[offsets[v] ..< offsets[v + 1]]`, ascending.
    private var offsets: [UInt32] = [0]
    private var rows: [Int32] = []

    var valueCount: Int { keys.count }

    init(_ column: StringColumn) {
        slots = ByteHashIndex.emptySlots(ByteHashIndex.slotCount(for: column.count))
        var valueOf = [Int32](repeating: -1, count: column.count)
        var scratch: [UInt8] = []
        column.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<column.count {
                let r = column.range(row)
                if r.isEmpty { continue }
                Self.canonicalKey(UnsafeBufferPointer(rebasing: bytes[r]), into: &scratch)
                valueOf[row] = scratch.withUnsafeBufferPointer { insert($0) }
            }
        }
        // Rows by value, in row order: count, then place.
        var counts = [UInt32](repeating: 0, count: keys.count + 1)
        for v in valueOf where v >= 0 { counts[Int(v) + 1] += 1 }
        for v in 0..<keys.count { counts[v + 1] += counts[v] }
        offsets = counts
        var next = counts
        rows = [Int32](repeating: 0, count: Int(counts[keys.count]))
        for (row, v) in valueOf.enumerated() where v >= 0 {
            rows[Int(next[Int(v)])] = Int32(row)
            next[Int(v)] += 1
        }
    }

    /// The rows whose text equals `text` case-insensitively, ascending.
    func rows(equalTo text: String) -> ArraySlice<Int32> {
        var key: [UInt8] = []
        var text = text
        text.withUTF8 { Self.canonicalKey($0, into: &key) }
        guard !key.isEmpty, let v = key.withUnsafeBufferPointer({ find($0).value }) else { return [] }
        return rows[Int(offsets[v])..<Int(offsets[v + 1])]
    }

    /// The value of `key`, adding it when new.
    private mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
        let (slot, found) = find(key)
        if let found { return Int32(found) }
        let v = keys.count
        keys.append(key)
        slots[slot] = ByteHashIndex.tag(ByteHashIndex.hash(key)) | UInt64(v + 1)
        if keys.count * 4 > slots.count * 3 { grow() }
        return Int32(v)
    }

    /// The slot holding `key`'s value, or the empty slot where it would go.
    private func find(_ key: UnsafeBufferPointer<UInt8>) -> (slot: Int, value: Int?) {
        let h = ByteHashIndex.hash(key)
        let tag = ByteHashIndex.tag(h)
        var slot = ByteHashIndex.home(h, slots.count)
        return keys.bytes.withUnsafeBufferPointer { bytes in
            while true {
                let s = slots[slot]
                if s == 0 { return (slot, nil) }
                if ByteHashIndex.tag(s) == tag {
                    let v = Int(s & 0xFFFF_FFFF) - 1
                    let r = keys.range(v)
                    if r.count == key.count, memcmpEqual(bytes, r.lowerBound, key) { return (slot, v) }
                }
                slot = ByteHashIndex.next(slot, slots.count)
            }
        }
    }

    private mutating func grow() {
        slots = ByteHashIndex.rehashed(slots, capacity: slots.count * 2, keys: keys)
    }

    /// The key under which `text` is indexed: its bytes with ASCII letters lowered when all
    /// ASCII, else the UTF-8 of its Unicode lowercase in composed form.
    static func canonicalKey(_ text: UnsafeBufferPointer<UInt8>, into key: inout [UInt8]) {
        key.removeAll(keepingCapacity: true)
        if text.allSatisfy({ $0 < 0x80 }) {
            key.append(contentsOf: text.lazy.map(asciiLower))
            return
        }
        let lowered = String(decoding: text, as: UTF8.self).lowercased()
        // Below U+0300 (Latin letters with their accents) every character is its own
        // composed form, so only text with later characters needs normalising.
        if lowered.unicodeScalars.allSatisfy({ $0.value < 0x300 }) {
            key.append(contentsOf: lowered.utf8)
        } else {
            key.append(contentsOf: lowered.precomposedStringWithCanonicalMapping.utf8)
        }
    }
}

/// The case-folded indexes of one table's text columns, built when needed and kept.
///
/// A small column's index is built on its first lookup (milliseconds). A large one costs
/// more than the scan it replaces (about 1.8 s for the names of a million accounts, against
/// a 0.5 s scan), so its first lookup is answered by a scan and the second builds the index:
/// a column looked up twice is likely to be looked up again, and every later lookup takes
/// microseconds.
final class FoldedIndexes: @unchecked Sendable {
    private var built: [Int: FoldedIndex] = [:]
    private var scanned: Set<Int> = []
    private let lock = NSLock()
    /// Columns with at most this many rows are indexed on their first lookup.
    static let buildAtOnce = 1 << 16

    /// The index of text column `field`, or nil when this lookup is to scan (a large
    /// column's first).
    func index(_ field: Int, of column: StringColumn) -> FoldedIndex? {
        lock.lock()
        defer { lock.unlock() }
        if let index = built[field] { return index }
        if column.count > Self.buildAtOnce, scanned.insert(field).inserted { return nil }
        let index = FoldedIndex(column)
        built[field] = index
        return index
    }

    /// Whether the index of `field` exists already.
    func isBuilt(_ field: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return built[field] != nil
    }
}
