/// Builds one typed column, a row at a time: `append` converts a cell and adds it (or says
/// what is wrong with it and adds nothing). A lenient load that finds a bad cell later in
/// the row takes the row back with `truncate(to:)`.
final class ColumnBuilder {
    let field: FieldDef
    /// `field.type`, kept apart so the per-cell switch reads one byte.
    let type: FieldType
    /// Which cell of a record feeds this column; nil when the file has no such column.
    var source: Int?

    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var days: [Int32] = []
    private var bools: [Int8] = []
    private var codes: [Int32] = []
    private(set) var strings = StringColumn()
    private var list = ListColumn()
    private var domain: EnumDomain
    /// Spellings already seen in the data, exactly as written, with their codes.
    private var spellings: [([UInt8], Int32)] = []
    private var normalizedLabels: [[UInt8]]
    /// The row that added the newest custom picklist value (taken back with that row).
    private var newLabelRow = -1
    private var items: [UnsafeBufferPointer<UInt8>] = []

    init(field: FieldDef, entity: String) {
        self.field = field
        type = field.type
        domain = EnumDomain(name: "\(entity).\(field.name)", declared: field.enumValues)
        normalizedLabels = field.enumValues.map { Array($0.utf8.map(EnumDomain.normalizeByte)) }
    }

    /// Bytes held by a string column (to reserve space when chunks are merged).
    var byteCount: Int { field.type == .string ? strings.bytes.count : 0 }

    func reserve(_ n: Int, bytes: Int) {
        reserve(n)
        if field.type == .string {
            strings.bytes.reserveCapacity(bytes)
            adviseHugePages(&strings.bytes)
        }
    }

    func reserve(_ n: Int) {
        switch type {
        case .int, .money: ints.reserveCapacity(n); adviseHugePages(&ints)
        case .decimal: doubles.reserveCapacity(n); adviseHugePages(&doubles)
        case .date: days.reserveCapacity(n); adviseHugePages(&days)
        case .bool: bools.reserveCapacity(n); adviseHugePages(&bools)
        case .enumeration: codes.reserveCapacity(n); adviseHugePages(&codes)
        case .string: strings.offsets.reserveCapacity(n + 1); adviseHugePages(&strings.offsets)
        case .stringList: list.offsets.reserveCapacity(n + 1); adviseHugePages(&list.offsets)
        }
    }

    /// Converts `raw` and adds it as the next row; returns what is wrong with it (adding
    /// nothing) when it does not fit the type. An empty cell is null.
    func append(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        let cell = type == .string ? raw : CellParse.trimmed(raw)
        if cell.isEmpty {
            appendNull()
            return nil
        }
        switch type {
        case .string:
            strings.append(cell)
        case .int:
            guard let v = CellParse.int(cell) else { return "expected a whole number for '\(field.name)', found \(CellParse.quote(cell))" }
            ints.append(v)
        case .money:
            guard let v = CellParse.money(cell) else { return "expected an amount of money for '\(field.name)', found \(CellParse.quote(cell))" }
            ints.append(v)
        case .decimal:
            guard let v = CellParse.decimal(cell) else { return "expected a number for '\(field.name)', found \(CellParse.quote(cell))" }
            doubles.append(v)
        case .date:
            guard let v = CellParse.date(cell) else { return "expected a date (YYYY-MM-DD) for '\(field.name)', found \(CellParse.quote(cell))" }
            days.append(v)
        case .bool:
            guard let v = CellParse.bool(cell) else { return "expected true/false/yes/no/1/0 for '\(field.name)', found \(CellParse.quote(cell))" }
            bools.append(v ? 1 : 0)
        case .enumeration:
            codes.append(code(cell))
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
        case .int, .money: ints.append(Column.nullInt)
        case .date: days.append(Day.null)
        case .decimal: doubles.append(.nan)
        case .bool: bools.append(-1)
        case .enumeration: codes.append(-1)
        case .string: strings.appendNull()
        case .stringList: list.offsets.append(Int32(list.items.count))
        }
    }

    /// Takes back the rows from `n` on (a row a lenient load skips after all).
    func truncate(to n: Int) {
        guard count > n else { return }
        switch type {
        case .string: while strings.count > n { strings.removeLast() }
        case .int, .money: ints.removeLast(ints.count - n)
        case .decimal: doubles.removeLast(doubles.count - n)
        case .date: days.removeLast(days.count - n)
        case .bool: bools.removeLast(bools.count - n)
        case .enumeration:
            codes.removeLast(codes.count - n)
            if newLabelRow >= n {
                // The custom picklist value came with the rows taken back.
                domain.labels.removeLast()
                normalizedLabels.removeLast()
                spellings.removeAll { $0.1 == Int32(domain.labels.count) }
                newLabelRow = -1
            }
        case .stringList:
            list.offsets.removeLast(list.offsets.count - 1 - n)
            list.items.removeLast(list.items.count - Int(list.offsets[n]))
        }
    }

    /// The code of a picklist cell: a spelling seen before, a declared value in any case and
    /// spacing, or a new (custom) value, kept and sorted after the declared ones.
    private func code(_ cell: UnsafeBufferPointer<UInt8>) -> Int32 {
        for (spelling, code) in spellings where spelling.count == cell.count {
            if spelling.withUnsafeBufferPointer({ memcmpEqual($0, 0, cell) }) { return code }
        }
        let normalized = cell.map(EnumDomain.normalizeByte)
        if let i = normalizedLabels.firstIndex(of: normalized) {
            spellings.append((Array(cell), Int32(i)))
            return Int32(i)
        }
        let code = Int32(domain.labels.count)
        domain.labels.append(String(decoding: cell, as: UTF8.self))
        normalizedLabels.append(normalized)
        spellings.append((Array(cell), code))
        newLabelRow = codes.count
        return code
    }

    private var listSpellings: [[UInt8]: Int32] = [:]

    private func listCode(_ item: UnsafeBufferPointer<UInt8>) -> Int32 {
        let key = Array(item)
        if let c = listSpellings[key] { return c }
        let c = Int32(list.dictionary.count)
        list.dictionary.append(String(decoding: item, as: UTF8.self))
        listSpellings[key] = c
        return c
    }

    var count: Int {
        switch type {
        case .string: strings.count
        case .int, .money: ints.count
        case .decimal: doubles.count
        case .date: days.count
        case .bool: bools.count
        case .enumeration: codes.count
        case .stringList: list.offsets.count - 1
        }
    }

    func finish() -> Column {
        releaseUnusedCapacity(&strings.bytes)
        releaseUnusedCapacity(&strings.offsets)
        releaseUnusedCapacity(&ints)
        releaseUnusedCapacity(&doubles)
        releaseUnusedCapacity(&days)
        releaseUnusedCapacity(&bools)
        releaseUnusedCapacity(&codes)
        return column
    }

    private var column: Column {
        switch type {
        case .string: .string(strings)
        case .int: .int(ints)
        case .money: .money(ints)
        case .decimal: .decimal(doubles)
        case .date: .date(days)
        case .bool: .bool(bools)
        case .enumeration:
            {
                var e = EnumColumn(domain: domain)
                e.codes = codes
                return .enumeration(e)
            }()
        case .stringList: .list(list)
        }
    }

    // MARK: - Chunks

    /// Appends the rows another builder of the same field collected (a later chunk of the file),
    /// renumbering its custom picklist values and list items into this builder's.
    func append(_ other: ColumnBuilder) {
        switch type {
        case .string:
            let base = strings.bytes.count
            strings.bytes.append(contentsOf: other.strings.bytes)
            let shift = UInt32(truncatingIfNeeded: base)
            strings.offsets.append(contentsOf: other.strings.offsets.dropFirst().lazy.map { $0 &+ shift })
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
        ints = []
        doubles = []
        days = []
        bools = []
        codes = []
        strings = StringColumn()
        list = ListColumn()
    }

    /// Keeps only the rows whose `keep` is true.
    func compact(_ keep: [Bool]) {
        func filtered<T>(_ a: [T]) -> [T] { zip(a, keep).filter(\.1).map(\.0) }
        switch type {
        case .string:
            var s = StringColumn()
            strings.bytes.withUnsafeBufferPointer { bytes in
                for row in 0..<strings.count where keep[row] { s.append(UnsafeBufferPointer(rebasing: bytes[strings.range(row)])) }
            }
            strings = s
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
