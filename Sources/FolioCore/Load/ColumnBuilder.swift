/// Builds one typed column, a row at a time: `append` converts a cell and adds it (or says
/// what is wrong with it and adds nothing). A lenient load that finds a bad cell later in
/// the row takes the row back with `truncate(to:)`.
///
/// While a file is parsed, cells go into fill buffers (no uniqueness or capacity checks per
/// cell); `seal()`, at the end of a chunk, turns them into the arrays that joining chunks,
/// dropping rows and `finish()` work on. `append`, `appendNull` and `truncate` are for
/// before the seal only.
final class ColumnBuilder {
    let field: FieldDef
    /// `field.type`, kept apart so the per-cell switch reads one byte.
    let type: FieldType
    /// Which cell of a record feeds this column; nil when the file has no such column.
    var source: Int?

    private var fillInts = FillBuffer<Int64>()
    private var fillDoubles = FillBuffer<Double>()
    private var fillDays = FillBuffer<Int32>()
    private var fillBools = FillBuffer<Int8>()
    private var fillCodes = FillBuffer<Int32>()
    private var fillBytes = FillBuffer<UInt8>()
    private var fillOffsets = FillBuffer<UInt32>()
    private var sealed = false

    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var days: [Int32] = []
    private var bools: [Int8] = []
    private var codes: [Int32] = []
    private var sealedStrings = StringColumn()
    private var list = ListColumn()
    private var domain: EnumDomain
    /// Spellings already seen in the data, exactly as written, with their codes.
    private var spellings: [([UInt8], Int32)] = []
    /// The index in `spellings` of the last spelling seen per (length, last byte) bucket, or -1.
    private var lastSpelling = [Int](repeating: -1, count: 256)
    private var normalizedLabels: [[UInt8]]
    /// The row that added the newest custom picklist value (taken back with that row).
    private var newLabelRow = -1
    private var items: [UnsafeBufferPointer<UInt8>] = []

    /// What a mapping says about the cells (nil: folio's own formats). Kept in a box so that
    /// the unmapped path tests one flag, not an optional struct, per cell.
    let rules: RulesBox?
    private let hasRules: Bool

    final class RulesBox {
        let rules: CellRules
        /// The constant's bytes, kept here so that a cell can point at them.
        let constantCell: UnsafeMutableBufferPointer<UInt8>?

        init(_ r: CellRules) {
            rules = r
            if let c = r.constant {
                let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, c.count))
                _ = buffer.initialize(from: c)
                constantCell = UnsafeMutableBufferPointer(rebasing: buffer[0..<c.count])
            } else {
                constantCell = nil
            }
        }

        deinit { constantCell?.baseAddress?.deallocate() }
    }

    init(field: FieldDef, entity: String, rules: CellRules? = nil) {
        self.field = field
        type = field.type
        domain = EnumDomain(name: "\(entity).\(field.name)", declared: field.enumValues)
        normalizedLabels = field.enumValues.map { Array($0.utf8.map(EnumDomain.normalizeByte)) }
        let box = rules.flatMap { $0.isEmpty ? nil : RulesBox($0) }
        self.rules = box
        hasRules = box != nil
        fillOffsets.append(0)
    }

    /// A builder of the same field and rules, empty (for another piece of the file).
    func sibling(entity: String) -> ColumnBuilder { ColumnBuilder(field: field, entity: entity, rules: rules?.rules) }

    /// The row's cell when the field has a constant instead of a column (valid while the builder lives).
    var constant: UnsafeBufferPointer<UInt8>? { rules?.constantCell.map { UnsafeBufferPointer($0) } }

    /// The column's strings (sealing it).
    var strings: StringColumn {
        seal()
        return sealedStrings
    }

    /// Turns the fill buffers into arrays (once; later calls do nothing).
    func seal() {
        guard !sealed else { return }
        sealed = true
        ints = fillInts.take()
        doubles = fillDoubles.take()
        days = fillDays.take()
        bools = fillBools.take()
        codes = fillCodes.take()
        sealedStrings.bytes = StoreArray(fillBytes.take())
        sealedStrings.offsets = StoreArray(fillOffsets.take())
    }

    /// Bytes held by a string column (to reserve space when chunks are merged).
    var byteCount: Int { field.type == .string ? (sealed ? sealedStrings.bytes.count : fillBytes.count) : 0 }

    /// Makes room for `n` rows and, in a string column, `bytes` bytes of text.
    func reserve(_ n: Int, bytes: Int) {
        reserve(n)
        guard field.type == .string else { return }
        if sealed {
            sealedStrings.bytes.modify {
                $0.reserveCapacity(bytes)
                adviseHugePages(&$0)
            }
        } else {
            fillBytes.reserve(bytes)
        }
    }

    func reserve(_ n: Int) {
        if !sealed {
            switch type {
            case .int, .money: fillInts.reserve(n)
            case .decimal: fillDoubles.reserve(n)
            case .date: fillDays.reserve(n)
            case .bool: fillBools.reserve(n)
            case .enumeration: fillCodes.reserve(n)
            case .string: fillOffsets.reserve(n + 1)
            case .stringList: list.offsets.modify { $0.reserveCapacity(n + 1) }
            }
            return
        }
        switch type {
        case .int, .money: ints.reserveCapacity(n); adviseHugePages(&ints)
        case .decimal: doubles.reserveCapacity(n); adviseHugePages(&doubles)
        case .date: days.reserveCapacity(n); adviseHugePages(&days)
        case .bool: bools.reserveCapacity(n); adviseHugePages(&bools)
        case .enumeration: codes.reserveCapacity(n); adviseHugePages(&codes)
        case .string: sealedStrings.offsets.modify { $0.reserveCapacity(n + 1); adviseHugePages(&$0) }
        case .stringList: list.offsets.modify { $0.reserveCapacity(n + 1); adviseHugePages(&$0) }
        }
    }

    /// Converts `raw` and adds it as the next row; returns what is wrong with it (adding
    /// nothing) when it does not fit the type. An empty cell is null.
    func append(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        guard hasRules, let box = rules else { return convert(raw, dates: nil) }
        let r = box.rules
        if r.isNull(raw) {
            appendNull()
            return nil
        }
        if type == .stringList, r.listSeparator != [59] {
            appendList(raw, separator: r.listSeparator)
            return nil
        }
        // A picklist maps labels when it first sees a spelling (``code(_:)``): no cost per cell.
        if type != .enumeration, type != .stringList, let m = r.mapped(raw) {
            return m.withUnsafeBufferPointer { convert($0, dates: r.dateFormat) }
        }
        return convert(raw, dates: r.dateFormat)
    }

    /// Converts a cell and adds it; `dates`: the format dates are written in (nil: ISO).
    private func convert(_ raw: UnsafeBufferPointer<UInt8>, dates: DateFormat?) -> String? {
        let cell = type == .string ? raw : CellParse.trimmed(raw)
        if cell.isEmpty {
            appendNull()
            return nil
        }
        switch type {
        case .string:
            fillBytes.append(contentsOf: cell)
            fillOffsets.append(UInt32(truncatingIfNeeded: fillBytes.count))
        case .int:
            guard let v = CellParse.int(cell) else { return "expected a whole number for '\(field.name)', found \(CellParse.quote(cell))" }
            fillInts.append(v)
        case .money:
            guard let v = CellParse.money(cell) else { return "expected an amount of money for '\(field.name)', found \(CellParse.quote(cell))" }
            fillInts.append(v)
        case .decimal:
            guard let v = CellParse.decimal(cell) else { return "expected a number for '\(field.name)', found \(CellParse.quote(cell))" }
            fillDoubles.append(v)
        case .date:
            // An ISO date is read whatever the format (a workbook's date cells come as ISO).
            guard let v = dates.flatMap({ $0.day(cell) }) ?? CellParse.date(cell) else {
                return "expected a date (\(dates?.text ?? "YYYY-MM-DD")) for '\(field.name)', found \(CellParse.quote(cell))"
            }
            fillDays.append(v)
        case .bool:
            guard let v = CellParse.bool(cell) else { return "expected true/false/yes/no/1/0 for '\(field.name)', found \(CellParse.quote(cell))" }
            fillBools.append(v ? 1 : 0)
        case .enumeration:
            fillCodes.append(code(cell))
        case .stringList:
            items.removeAll(keepingCapacity: true)
            var start = 0
            for i in 0...cell.count where i == cell.count || cell[i] == 59 {
                let item = CellParse.trimmed(UnsafeBufferPointer(rebasing: cell[start..<i]))
                if !item.isEmpty { items.append(item) }
                start = i + 1
            }
            appendItems(items)
        }
        return nil
    }

    /// Adds a list written with a separator of its own (`cat, wolf`).
    private func appendList(_ cell: UnsafeBufferPointer<UInt8>, separator: [UInt8]) {
        items.removeAll(keepingCapacity: true)
        var start = 0, i = 0
        let n = cell.count, m = separator.count
        while i <= n {
            if i == n || (i + m <= n && (0..<m).allSatisfy { cell[i + $0] == separator[$0] }) {
                let item = CellParse.trimmed(UnsafeBufferPointer(rebasing: cell[start..<i]))
                if !item.isEmpty { items.append(item) }
                i += m
                start = i
                if i > n { break }
                continue
            }
            i += 1
        }
        appendItems(items)
    }

    /// Adds a list given as separate items (a JSON array).
    func appendItems(_ given: [UnsafeBufferPointer<UInt8>]) {
        for item in given {
            let t = CellParse.trimmed(item)
            if !t.isEmpty { list.items.append(listCode(t)) }
        }
        list.offsets.append(Int32(list.items.count))
    }

    func appendNull() {
        switch type {
        case .int, .money: fillInts.append(Column.nullInt)
        case .date: fillDays.append(Day.null)
        case .decimal: fillDoubles.append(.nan)
        case .bool: fillBools.append(-1)
        case .enumeration: fillCodes.append(-1)
        case .string: fillOffsets.append(UInt32(truncatingIfNeeded: fillBytes.count))
        case .stringList: list.offsets.append(Int32(list.items.count))
        }
    }

    /// Takes back the rows from `n` on (a row a lenient load skips after all).
    func truncate(to n: Int) {
        guard count > n else { return }
        switch type {
        case .string:
            fillBytes.count = Int(fillOffsets[n])
            fillOffsets.count = n + 1
        case .int, .money: fillInts.count = n
        case .decimal: fillDoubles.count = n
        case .date: fillDays.count = n
        case .bool: fillBools.count = n
        case .enumeration:
            fillCodes.count = n
            if newLabelRow >= n {
                // The custom picklist value came with the rows taken back.
                domain.labels.removeLast()
                normalizedLabels.removeLast()
                spellings.removeAll { $0.1 == Int32(domain.labels.count) }
                newLabelRow = -1
            }
        case .stringList:
            list.offsets.modify { $0.removeLast($0.count - 1 - n) }
            let items = Int(list.offsets[n])
            list.items.modify { $0.removeLast($0.count - items) }
        }
    }

    /// The code of a picklist cell: a spelling seen before, a declared value in any case and
    /// spacing, or a new (custom) value, kept and sorted after the declared ones.
    private func code(_ cell: UnsafeBufferPointer<UInt8>) -> Int32 {
        // The spelling last seen with this length and last byte is tried first.
        let guess = Int(cell.count &* 31 &+ Int(cell[cell.count - 1])) & 255
        let last = lastSpelling[guess]
        if last >= 0, last < spellings.count, spellings[last].0.count == cell.count,
           spellings[last].0.withUnsafeBufferPointer({ memcmpEqual($0, 0, cell) }) {
            return spellings[last].1
        }
        for (i, (spelling, code)) in spellings.enumerated() where spelling.count == cell.count {
            if spelling.withUnsafeBufferPointer({ memcmpEqual($0, 0, cell) }) {
                lastSpelling[guess] = i
                return code
            }
        }
        // A label the mapping replaces (`Won` → closed_won) counts as its value.
        let mapped = rules?.rules.mapped(cell)
        let normalized = mapped.map { $0.map(EnumDomain.normalizeByte) } ?? cell.map(EnumDomain.normalizeByte)
        if let i = normalizedLabels.firstIndex(of: normalized) {
            spellings.append((Array(cell), Int32(i)))
            return Int32(i)
        }
        let code = Int32(domain.labels.count)
        domain.labels.append(mapped.map { String(decoding: $0, as: UTF8.self) } ?? String(decoding: cell, as: UTF8.self))
        normalizedLabels.append(normalized)
        spellings.append((Array(cell), code))
        newLabelRow = fillCodes.count
        return code
    }

    private var listSpellings: [[UInt8]: Int32] = [:]
    /// The item last seen per (length, last byte) bucket, with its code: most cells repeat
    /// a few items, and a dictionary lookup needs an array made per item.
    private var lastItems = [([UInt8], Int32)?](repeating: nil, count: 256)

    private func listCode(_ item: UnsafeBufferPointer<UInt8>) -> Int32 {
        let guess = Int(item.count &* 31 &+ Int(item[item.count - 1])) & 255
        if let (bytes, code) = lastItems[guess], bytes.count == item.count, bytes.withUnsafeBufferPointer({ memcmpEqual($0, 0, item) }) {
            return code
        }
        let key = Array(item)
        if let c = listSpellings[key] {
            lastItems[guess] = (key, c)
            return c
        }
        // A new spelling: a label the mapping replaces is stored as its value.
        let text = rules?.rules.mapped(item).map { String(decoding: $0, as: UTF8.self) } ?? String(decoding: item, as: UTF8.self)
        if let existing = list.dictionary.firstIndex(of: text) {
            listSpellings[key] = Int32(existing)
            return Int32(existing)
        }
        let c = Int32(list.dictionary.count)
        list.dictionary.append(text)
        listSpellings[key] = c
        return c
    }

    var count: Int {
        if !sealed {
            switch type {
            case .string: return fillOffsets.count - 1
            case .int, .money: return fillInts.count
            case .decimal: return fillDoubles.count
            case .date: return fillDays.count
            case .bool: return fillBools.count
            case .enumeration: return fillCodes.count
            case .stringList: return list.offsets.count - 1
            }
        }
        return switch type {
        case .string: sealedStrings.count
        case .int, .money: ints.count
        case .decimal: doubles.count
        case .date: days.count
        case .bool: bools.count
        case .enumeration: codes.count
        case .stringList: list.offsets.count - 1
        }
    }

    func finish() -> Column {
        seal()
        sealedStrings.bytes.modify { releaseUnusedCapacity(&$0) }
        sealedStrings.offsets.modify { releaseUnusedCapacity(&$0) }
        releaseUnusedCapacity(&ints)
        releaseUnusedCapacity(&doubles)
        releaseUnusedCapacity(&days)
        releaseUnusedCapacity(&bools)
        releaseUnusedCapacity(&codes)
        return column
    }

    private var column: Column {
        switch type {
        case .string: .string(sealedStrings)
        case .int: .int(StoreArray(ints))
        case .money: .money(StoreArray(ints))
        case .decimal: .decimal(StoreArray(doubles))
        case .date: .date(StoreArray(days))
        case .bool: .bool(StoreArray(bools))
        case .enumeration:
            {
                var e = EnumColumn(domain: domain)
                e.codes = StoreArray(codes)
                return .enumeration(e)
            }()
        case .stringList: .list(list)
        }
    }

    // MARK: - Chunks

    /// Appends the rows another builder of the same field collected (a later chunk of the file),
    /// renumbering its custom picklist values and list items into this builder's.
    func append(_ other: ColumnBuilder) {
        seal()
        other.seal()
        switch type {
        case .string:
            let base = sealedStrings.bytes.count
            sealedStrings.bytes.append(contentsOf: other.sealedStrings.bytes)
            let shift = UInt32(truncatingIfNeeded: base)
            sealedStrings.offsets.append(contentsOf: other.sealedStrings.offsets.dropFirst().lazy.map { $0 &+ shift })
        case .int, .money: ints.append(contentsOf: other.ints)
        case .decimal: doubles.append(contentsOf: other.doubles)
        case .date: days.append(contentsOf: other.days)
        case .bool: bools.append(contentsOf: other.bools)
        case .enumeration:
            var map: [Int32] = []
            for label in other.domain.labels.dropFirst(other.domain.declaredCount) {
                let normalized = label.utf8.map(EnumDomain.normalizeByte)
                if let i = normalizedLabels.firstIndex(of: normalized) {
                    map.append(Int32(i))
                } else {
                    map.append(Int32(domain.labels.count))
                    domain.labels.append(label)
                    normalizedLabels.append(normalized)
                }
            }
            let declared = Int32(other.domain.declaredCount)
            if map.isEmpty {
                codes.append(contentsOf: other.codes)
            } else {
                codes.append(contentsOf: other.codes.lazy.map { $0 >= declared ? map[Int($0 - declared)] : $0 })
            }
        case .stringList:
            let map = other.list.dictionary.map { item -> Int32 in
                var bytes = Array(item.utf8)
                return bytes.withUnsafeMutableBufferPointer { listCode(UnsafeBufferPointer($0)) }
            }
            let base = Int32(list.items.count)
            list.items.append(contentsOf: other.list.items.lazy.map { map[Int($0)] })
            list.offsets.append(contentsOf: other.list.offsets.dropFirst().lazy.map { $0 + base })
        }
    }

    /// Frees the rows (after they were appended elsewhere).
    func clear() {
        seal()
        ints = []
        doubles = []
        days = []
        bools = []
        codes = []
        sealedStrings = StringColumn()
        list = ListColumn()
    }

    /// Keeps only the rows whose `keep` is true.
    func compact(_ keep: [Bool]) {
        seal()
        func filtered<T>(_ a: [T]) -> [T] { zip(a, keep).filter(\.1).map(\.0) }
        switch type {
        case .string:
            var s = StringColumn()
            sealedStrings.bytes.withUnsafeBufferPointer { bytes in
                for row in 0..<sealedStrings.count where keep[row] { s.append(UnsafeBufferPointer(rebasing: bytes[sealedStrings.range(row)])) }
            }
            sealedStrings = s
        case .int, .money: ints = filtered(ints)
        case .decimal: doubles = filtered(doubles)
        case .date: days = filtered(days)
        case .bool: bools = filtered(bools)
        case .enumeration: codes = filtered(codes)
        case .stringList:
            var l = ListColumn()
            l.dictionary = list.dictionary
            for row in 0..<(list.offsets.count - 1) where keep[row] {
                l.items.append(contentsOf: list.items[Int(list.offsets[row])..<Int(list.offsets[row + 1])])
                l.offsets.append(Int32(l.items.count))
            }
            list = l
        }
    }
}

/// An array filled through a pointer: its storage is made at the reserved size with the
/// elements past `count` left uninitialised (they are plain bytes, never read), so that an
/// append is a store and an increment, without `Array.append`'s uniqueness and capacity
/// checks. `take()` gives the filled part as an array, without copying it.
struct FillBuffer<Element: BitwiseCopyable> {
    /// Always `capacity` long; only the first `count` elements mean anything.
    private var storage: [Element] = []
    private var base: UnsafeMutablePointer<Element>?
    /// How many elements are filled; may be lowered to drop the last ones.
    var count = 0
    private(set) var capacity = 0

    /// Makes room for `n` elements in all (moving those filled when the storage grows).
    mutating func reserve(_ n: Int) {
        guard n > capacity else { return }
        let old = base, filled = count
        storage = [Element](unsafeUninitializedCapacity: n) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            if let old, let new = buffer.baseAddress, filled > 0 { new.update(from: old, count: filled) }
            initialized = n
        }
        base = storage.withUnsafeMutableBufferPointer { $0.baseAddress }
        capacity = n
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { reserve(Swift.max(16, capacity * 2)) }
        base.unsafelyUnwrapped[count] = value
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf values: UnsafeBufferPointer<Element>) {
        guard let source = values.baseAddress, !values.isEmpty else { return }
        if count + values.count > capacity { reserve(Swift.max(count + values.count, capacity * 2)) }
        (base.unsafelyUnwrapped + count).update(from: source, count: values.count)
        count += values.count
    }

    subscript(i: Int) -> Element { base.unsafelyUnwrapped[i] }

    /// The filled elements as an array (the storage itself, its spare capacity kept); the buffer is left empty.
    mutating func take() -> [Element] {
        var filled = storage
        storage = []
        base = nil
        filled.removeLast(filled.count - count)
        count = 0
        capacity = 0
        return filled
    }
}
