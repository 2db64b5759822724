import Dispatch

/// A column's non-null rows in value order, ties in row order. It answers a range predicate
/// with two binary searches (its row count exactly, before any row is touched) and `top` /
/// `sort … limit` by walking from either end. It is also the column's histogram: the
/// planner's estimates for ranges are exact counts.
public struct SortedIndex: Sendable {
    public let order: StoreArray<Int32>
    /// Distinct non-null values.
    public let distinct: Int

    public init(order: StoreArray<Int32>, distinct: Int) {
        self.order = order
        self.distinct = distinct
    }

    /// The index of an integer-like column (`null` is the column's null sentinel).
    static func build<T: FixedWidthInteger & SignedInteger>(_ values: StoreArray<T>, null: T) -> SortedIndex {
        var lo = T.max, hi = T.min, nonNull = 0
        for v in values where v != null {
            if v < lo { lo = v }
            if v > hi { hi = v }
            nonNull += 1
        }
        if nonNull == 0 { return SortedIndex(order: [], distinct: 0) }
        let (span, overflow) = Int64(hi).subtractingReportingOverflow(Int64(lo))
        if !overflow, span < (1 << 20) {
            return counting(values, null: null, lo: Int64(lo), span: Int(span), nonNull: nonNull)
        }
        if !overflow, span < (1 << 32) {
            return radix(values, null: null, lo: Int64(lo), bits: 64 - UInt64(span).leadingZeroBitCount, nonNull: nonNull)
        }
        var rows: [Int32] = []
        rows.reserveCapacity(nonNull)
        for (r, v) in values.enumerated() where v != null { rows.append(Int32(r)) }
        rows.sort { a, b in
            let x = values[Int(a)], y = values[Int(b)]
            return x < y || (x == y && a < b)
        }
        var distinct = 0
        for i in rows.indices where i == 0 || values[Int(rows[i])] != values[Int(rows[i - 1])] { distinct += 1 }
        return SortedIndex(order: StoreArray(rows), distinct: distinct)
    }

    /// A counting sort for values spanning less than 2²⁰ (dates, scores, counts): one pass to
    /// count, one to place rows, in row order within a value; no buffer beyond the result.
    private static func counting<T: FixedWidthInteger & SignedInteger>(_ values: StoreArray<T>, null: T, lo: Int64, span: Int, nonNull: Int) -> SortedIndex {
        var starts = [Int](repeating: 0, count: span + 2)
        values.withUnsafeBufferPointer { v in
            for x in v where x != null { starts[Int(Int64(x) - lo) + 1] += 1 }
        }
        var distinct = 0
        for i in 1..<starts.count {
            if starts[i] > 0 { distinct += 1 }
            starts[i] += starts[i - 1]
        }
        var order = [Int32](repeating: 0, count: nonNull)
        values.withUnsafeBufferPointer { v in
            order.withUnsafeMutableBufferPointer { o in
                for r in 0..<v.count where v[r] != null {
                    let k = Int(Int64(v[r]) - lo)
                    o[starts[k]] = Int32(r)
                    starts[k] += 1
                }
            }
        }
        return SortedIndex(order: StoreArray(order), distinct: distinct)
    }

    /// LSD radix sort of `(value - lo) << 32 | row`, a byte of the value per pass: stable, so
    /// equal values keep row order without sorting on the row bits.
    private static func radix<T: FixedWidthInteger & SignedInteger>(_ values: StoreArray<T>, null: T, lo: Int64, bits: Int, nonNull: Int) -> SortedIndex {
        var a = [UInt64](repeating: 0, count: nonNull)
        var n = 0
        values.withUnsafeBufferPointer { v in
            for r in 0..<v.count where v[r] != null {
                a[n] = UInt64(Int64(v[r]) - lo) << 32 | UInt64(r)
                n += 1
            }
        }
        var b = [UInt64](repeating: 0, count: nonNull)
        let passes = max(1, (bits + 7) / 8)
        for pass in 0..<passes {
            let shift = UInt64(32 + 8 * pass)
            a.withUnsafeBufferPointer { src in
                b.withUnsafeMutableBufferPointer { dst in
                    var counts = [Int](repeating: 0, count: 257)
                    for x in src { counts[Int((x >> shift) & 0xFF) + 1] += 1 }
                    for i in 1..<257 { counts[i] += counts[i - 1] }
                    for x in src {
                        let d = Int((x >> shift) & 0xFF)
                        dst[counts[d]] = x
                        counts[d] += 1
                    }
                }
            }
            swap(&a, &b)
        }
        var order = [Int32](repeating: 0, count: nonNull)
        var distinct = 0
        a.withUnsafeBufferPointer { s in
            var previous = UInt64.max
            for i in 0..<s.count {
                order[i] = Int32(truncatingIfNeeded: s[i])
                let key = s[i] >> 32
                if key != previous { distinct += 1; previous = key }
            }
        }
        return SortedIndex(order: StoreArray(order), distinct: distinct)
    }

    /// The positions in `order` whose values lie in `lo...hi` (either end open when nil),
    /// given the column's values as integers (`value(row)`).
    func positions(lo: Int64?, hi: Int64?, _ value: (Int) -> Int64) -> Range<Int> {
        let start = lo.map { k in firstPosition { value($0) >= k } } ?? 0
        let end = hi.map { k in firstPosition { value($0) > k } } ?? order.count
        return start..<max(start, end)
    }

    /// The first position whose row satisfies `isAtOrAfter` (monotone along the order).
    func firstPosition(_ isAtOrAfter: (Int) -> Bool) -> Int {
        var lo = 0, hi = order.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if isAtOrAfter(Int(order[mid])) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// What the planner knows about one column: gathered while its index is built.
public struct ColumnStats: Sendable {
    public var nulls: Int
    public var distinct: Int
}

/// The secondary indexes of one table, built at load: postings (rows per code, in row order;
/// slot 0 holds the nulls, slot `code + 1` each value) for picklist and boolean columns, and a ``SortedIndex`` for int, money and date columns.
/// Foreign keys are served by the table's links and its parents' collections; `id` by the
/// id index.
public struct TableIndexes: Sendable {
    public var postings: [Int: CSR] = [:]
    public var sorted: [Int: SortedIndex] = [:]
    public var stats: [Int: ColumnStats] = [:]

    public init() {}

    /// Which fields of a table get an index, and of which kind.
    enum Kind { case postings, sorted }

    static func kind(of column: Column) -> Kind? {
        switch column {
        case .enumeration, .bool: .postings
        case .int, .money, .date: .sorted
        case .decimal, .string, .list: nil
        }
    }

    /// One index of one column.
    enum Built: Sendable {
        case postings(CSR, ColumnStats)
        case sorted(SortedIndex, ColumnStats)
    }

    static func build(_ column: Column, rowCount: Int) -> Built? {
        switch column {
        case .enumeration(let e):
            return postings(e.codes, slots: e.domain.labels.count + 1)
        case .bool(let values):
            return postings(values, slots: 3)
        case .int(let values), .money(let values):
            let index = SortedIndex.build(values, null: Column.nullInt)
            return .sorted(index, ColumnStats(nulls: rowCount - index.order.count, distinct: index.distinct))
        case .date(let values):
            let index = SortedIndex.build(values, null: Day.null)
            return .sorted(index, ColumnStats(nulls: rowCount - index.order.count, distinct: index.distinct))
        case .decimal, .string, .list:
            return nil
        }
    }

    /// Postings over slots: 0 for null (-1), code + 1 for each value.
    static func postings<T: FixedWidthInteger>(_ codes: StoreArray<T>, slots count: Int) -> Built {
        let csr = codes.withUnsafeBufferPointer { CSR(grouping: $0, plus: 1, parentCount: count) }
        var distinct = 0
        for c in 1..<count where csr.offsets[c + 1] > csr.offsets[c] { distinct += 1 }
        return .postings(csr, ColumnStats(nulls: Int(csr.offsets[1]), distinct: distinct))
    }

    /// The indexes of every table, one task per column, on every core.
    static func buildAll(_ tables: [(columns: [Column], rowCount: Int)]) -> [TableIndexes] {
        var jobs: [(table: Int, field: Int)] = []
        for (t, table) in tables.enumerated() {
            for (f, column) in table.columns.enumerated() where f > 0 && kind(of: column) != nil { jobs.append((t, f)) }
        }
        // Largest first, so that two cores finish together.
        jobs.sort { tables[$0.table].rowCount > tables[$1.table].rowCount }
        let work = UncheckedBox((tables, jobs))
        let slots = ResultSlots<Built>(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { j in
            let (tables, jobs) = work.value
            let job = jobs[j]
            if let built = build(tables[job.table].columns[job.field], rowCount: tables[job.table].rowCount) { slots.set(j, built) }
        }
        var out = [TableIndexes](repeating: TableIndexes(), count: tables.count)
        for (j, built) in slots.takeAll().enumerated() {
            let job = jobs[j]
            switch built {
            case .postings(let csr, let stats)?:
                out[job.table].postings[job.field] = csr
                out[job.table].stats[job.field] = stats
            case .sorted(let index, let stats)?:
                out[job.table].sorted[job.field] = index
                out[job.table].stats[job.field] = stats
            case nil:
                break
            }
        }
        return out
    }
}
