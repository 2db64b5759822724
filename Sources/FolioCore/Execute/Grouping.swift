import Foundation
/// `group by … aggregate …` and `distinct`: one output row per distinct key, in key order
/// (ascending, nulls last), with each aggregate computed over the group's rows.
///
/// Keys compare as `=` does: strings and picklist labels without regard to case (the first
/// spelling seen is shown), numbers by value.
struct Grouper {
    let keys: [(name: String, expr: TExpr)]
    let aggregates: [(name: String, aggregate: CheckedAggregate)]
    let compiler: ExprCompiler
    var cancellation: Cancellation = .never

    /// A key as `=` sees it, for hashing.
    enum KeyPart: Hashable {
        case null, bool(Bool), number(Double), integer(Int64), date(Int32), text(String)

        init(_ v: Value) {
            switch v {
            case .null: self = .null
            case .bool(let b): self = .bool(b)
            case .int(let n): self = .integer(n)
            case .money(let c): self = c % 100 == 0 ? .integer(c / 100) : .number(Double(c) / 100)
            case .decimal(let d): self = d == d.rounded() && Swift.abs(d) < 9e18 ? .integer(Int64(d)) : .number(d)
            case .date(let d): self = .date(d)
            case .string(let s), .enumeration(_, let s): self = .text(foldedKey(s))
            case .list(let l): self = .text(foldedKey(l.joined(separator: ";")))
            }
        }
    }

    /// Running state of one aggregate over one group.
    struct Accumulator {
        var count: Int64 = 0
        var integerSum: Int64 = 0
        var overflow = false
        var doubleSum: Double = 0
        var best: Value = .null
        var values: [Value] = []
        var distinct: Set<KeyPart> = []
    }

    func run(_ rows: [Int32]) throws(Interrupted) -> Frame {
        let keyEvals = keys.map { compiler.value($0.expr) }
        let argEvals = aggregates.map { a in a.aggregate.argument.map { compiler.value($0) } }
        let conditions = aggregates.map { a in a.aggregate.condition.map { compiler.predicate($0) } }
        // Read once: the per-row loop should not copy (and retain) each aggregate's description.
        let functions = aggregates.map(\.aggregate.function)
        var groupOf: [[KeyPart]: Int] = [:]
        // One key (the usual case): hashed as itself, with no array per row.
        var groupOfOne: [KeyPart: Int] = [:]
        let single = keys.count == 1
        var groupKeys: [[Value]] = []
        var accumulators: [[Accumulator]] = []  // [group][aggregate]
        // One picklist or boolean column as the key: groups found by code in an array, with
        // no key values built or hashed per row.
        let dense = denseCodes()
        var typed = false
        if let dense, let fast = try fastAccumulate(rows, dense) {
            groupKeys = fast.firstRows.map { r in keyEvals.map { $0(Int(r)) } }
            accumulators = fast.accumulators
            typed = true
        }
        var groupOfCode = [Int](repeating: -1, count: dense.map { $0.slots } ?? 0)
        for (i, r32) in (typed ? [] : rows).enumerated() {
            if i % Cancellation.stride == 0, cancellation.isCancelled {
                Garbage.discard((consume groupOf, consume groupOfOne, consume groupKeys, consume accumulators))
                throw Interrupted()
            }
            // Mostly distinct keys (a group by id): room for every row's group at once, instead
            // of growing the table (and hashing every key again) twenty times over.
            if i == 4096, groupKeys.count > 2048 {
                if single { groupOfOne.reserveCapacity(rows.count) } else { groupOf.reserveCapacity(rows.count) }
                groupKeys.reserveCapacity(rows.count)
                accumulators.reserveCapacity(rows.count)
            }
            let r = Int(r32)
            var g: Int
            if let dense {
                let slot = dense.slot(r)
                g = groupOfCode[slot]
                if g < 0 {
                    g = groupKeys.count
                    groupOfCode[slot] = g
                    groupKeys.append(keyEvals.map { $0(r) })
                    accumulators.append(Array(repeating: Accumulator(), count: aggregates.count))
                }
            } else if single {
                let value = keyEvals[0](r)
                let part = KeyPart(value)
                if let existing = groupOfOne[part] {
                    g = existing
                } else {
                    g = groupKeys.count
                    groupOfOne[part] = g
                    groupKeys.append([value])
                    accumulators.append(Array(repeating: Accumulator(), count: aggregates.count))
                }
            } else {
                let values = keyEvals.map { $0(r) }
                let parts = values.map(KeyPart.init)
                if let existing = groupOf[parts] {
                    g = existing
                } else {
                    g = groupKeys.count
                    groupOf[parts] = g
                    groupKeys.append(values)
                    accumulators.append(Array(repeating: Accumulator(), count: aggregates.count))
                }
            }
            for a in 0..<functions.count {
                if let cond = conditions[a], !cond(r) { continue }
                let v = argEvals[a].map { $0(r) }
                Self.add(v, to: &accumulators[g][a], functions[a])
            }
        }
        // Groups in key order.
        var order = Array(0..<groupKeys.count)
        do {
            try cancellation.sort(&order) { x, y in
                for k in keys.indices {
                    let a = groupKeys[x][k], b = groupKeys[y][k]
                    if a.isNull != b.isNull { return b.isNull }
                    if a.isNull { continue }
                    let c = Value.compare(a, b) ?? 0
                    if c != 0 { return c < 0 }
                }
                return x < y
            }
        } catch {
            Garbage.discard((consume groupOf, consume groupOfOne, consume groupKeys, consume accumulators))
            throw error
        }
        var columns: [[Value]] = keys.indices.map { k in order.map { groupKeys[$0][k] } }
        for (a, spec) in aggregates.enumerated() {
            columns.append(order.map { Self.finish(accumulators[$0][a], spec.aggregate) })
        }
        let output = keys.map { OutputColumn(name: $0.name, type: $0.expr.type) } + aggregates.map { OutputColumn(name: $0.name, type: $0.aggregate.type) }
        return Frame(columns: output, values: columns)
    }

    /// What a typed aggregate loop reads: nothing (`count()`), or a stored integer column of
    /// the row itself (int and money as stored, dates as days) with its null.
    enum TypedArgument {
        case none
        case integers(StoreArray<Int64>, null: Int64, reader: (Int) -> Value)
    }

    /// Accumulators per group (groups in order of first appearance) and each group's first
    /// row, computed by typed loops over arrays indexed by the key's code, with no ``Value``
    /// per row: for `count`, `sum`, `avg`, `min` and `max` of stored int, money and date
    /// fields without a condition. Nil when an aggregate is of another kind.
    func fastAccumulate(_ rows: [Int32], _ dense: ExprCompiler.DenseKey) throws(Interrupted) -> (firstRows: [Int32], accumulators: [[Accumulator]])? {
        var arguments: [TypedArgument] = []
        for a in aggregates {
            guard a.aggregate.condition == nil, let argument = typedArgument(a.aggregate) else { return nil }
            arguments.append(argument)
        }
        var slots = [Int32](repeating: 0, count: rows.count)
        var groupOfSlot = [Int32](repeating: -1, count: dense.slots)
        var firstRows: [Int32] = []
        // The slot of every row: read from the codes when the key is the row's own column.
        let codes = dense.direct ?? []
        let slotOf = dense.slot
        try slots.withUnsafeMutableBufferPointer { (out: inout UnsafeMutableBufferPointer<Int32>) throws(Interrupted) in
            for (i, r) in rows.enumerated() {
                if i & 0x3FFF == 0 { try cancellation.check() }
                out[i] = codes.isEmpty ? Int32(slotOf(Int(r))) : codes[Int(r)] + 1
            }
        }
        for (i, slot) in slots.enumerated() where groupOfSlot[Int(slot)] < 0 {
            groupOfSlot[Int(slot)] = Int32(firstRows.count)
            firstRows.append(rows[i])
        }
        var accumulators = [[Accumulator]](repeating: Array(repeating: Accumulator(), count: aggregates.count), count: firstRows.count)
        for (a, argument) in arguments.enumerated() {
            try cancellation.check()
            let perSlot = Self.typedLoop(rows, slots, slotCount: dense.slots, argument, aggregates[a].aggregate.function)
            for slot in 0..<dense.slots where groupOfSlot[slot] >= 0 {
                accumulators[Int(groupOfSlot[slot])][a] = perSlot[slot]
            }
        }
        return (firstRows, accumulators)
    }

    func typedArgument(_ aggregate: CheckedAggregate) -> TypedArgument? {
        switch aggregate.function {
        case .count where aggregate.argument == nil: return TypedArgument.none
        case .count, .sum, .avg, .min, .max: break
        default: return nil
        }
        guard let argument = aggregate.argument, case .field(let hops, let table, let field) = argument.kind, hops.isEmpty, field >= 0,
              case .table(let t) = compiler.source, compiler.store.tables[table] === t else { return nil }
        let column = t.columns[field]
        let reader = compiler.columnReader(column)
        switch column {
        case .int(let values), .money(let values): return .integers(values, null: Column.nullInt, reader: reader)
        case .date(let days) where aggregate.function != .sum && aggregate.function != .avg:
            return .integers(StoreArray(days.map { Int64($0) }), null: Int64(Day.null), reader: reader)
        default: return nil
        }
    }

    /// One aggregate over every row, into an accumulator per slot.
    static func typedLoop(_ rows: [Int32], _ slots: [Int32], slotCount: Int, _ argument: TypedArgument, _ function: Aggregate) -> [Accumulator] {
        // Long inputs: a part per core, merged in row order.
        let parts = rows.count >= Cancellation.parallelThreshold ? min(2, ProcessInfo.processInfo.activeProcessorCount) : 1
        let results = ResultSlots<Partial>(count: parts)
        let shared = UncheckedBox((rows, slots, argument))
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            let (rows, slots, argument) = shared.value
            let range = (rows.count * k / parts)..<(rows.count * (k + 1) / parts)
            results.set(k, Partial(rows, slots, range, slotCount: slotCount, argument, function))
        }
        var merged: Partial? = nil
        for part in results.takeAll() {
            guard let part else { continue }
            if merged == nil { merged = part } else { merged?.merge(part, argument, function) }
        }
        var out: [Accumulator] = []
        out.reserveCapacity(slotCount)
        for s in 0..<slotCount {
            var acc = Accumulator()
            if let m = merged {
                acc.count = m.counts[s]
                if case .integers(_, _, let reader) = argument {
                    acc.integerSum = m.sums[s]
                    acc.overflow = m.overflow[s]
                    if m.bestRow[s] >= 0 { acc.best = reader(Int(m.bestRow[s])) }
                }
            }
            out.append(acc)
        }
        return out
    }

    /// One aggregate over a stretch of the rows, per slot.
    struct Partial {
        var counts: [Int64]
        var sums: [Int64]
        var overflow: [Bool]
        var bestRow: [Int32]

        init(_ rows: [Int32], _ slots: [Int32], _ range: Range<Int>, slotCount: Int, _ argument: TypedArgument, _ function: Aggregate) {
            counts = [Int64](repeating: 0, count: slotCount)
            sums = []
            overflow = []
            bestRow = []
            guard case .integers(let values, let null, _) = argument else {
                for i in range { counts[Int(slots[i])] += 1 }
                return
            }
            sums = [Int64](repeating: 0, count: slotCount)
            overflow = [Bool](repeating: false, count: slotCount)
            bestRow = [Int32](repeating: -1, count: slotCount)
            let wantsMax = function == .max
            for i in range {
                let r = rows[i]
                let v = values[Int(r)]
                if v == null { continue }
                let s = Int(slots[i])
                counts[s] += 1
                switch function {
                case .sum, .avg:
                    let (sum, o) = sums[s].addingReportingOverflow(v)
                    sums[s] = sum
                    if o { overflow[s] = true }
                case .min, .max:
                    let b = bestRow[s]
                    if b < 0 || (wantsMax ? v > values[Int(b)] : v < values[Int(b)]) { bestRow[s] = r }
                default:
                    break
                }
            }
        }

        /// Adds a later stretch: counts and sums add, and its best row wins only when strictly better.
        mutating func merge(_ later: Partial, _ argument: TypedArgument, _ function: Aggregate) {
            for s in counts.indices { counts[s] += later.counts[s] }
            guard case .integers(let values, _, _) = argument else { return }
            for s in sums.indices {
                let (sum, o) = sums[s].addingReportingOverflow(later.sums[s])
                sums[s] = sum
                overflow[s] = overflow[s] || later.overflow[s] || o
                let b = bestRow[s], l = later.bestRow[s]
                if l >= 0 && (b < 0 || (function == .max ? values[Int(l)] > values[Int(b)] : values[Int(l)] < values[Int(b)])) { bestRow[s] = l }
            }
        }
    }

    /// For a single key with few possible codes (a picklist, a boolean, a foreign key), the
    /// array slot of each row's group.
    func denseCodes() -> ExprCompiler.DenseKey? {
        keys.count == 1 ? compiler.denseKey(keys[0].expr) : nil
    }

    static func add(_ v: Value?, to acc: inout Accumulator, _ function: Aggregate) {
        switch function {
        case .count, .count_if:
            if let v, v.isNull { return }
            acc.count += 1
        case .count_distinct:
            if let v, !v.isNull { acc.distinct.insert(KeyPart(v)) }
        case .sum, .sum_if, .avg:
            guard let v, !v.isNull else { return }
            acc.count += 1
            switch v {
            case .int(let n), .money(let n):
                let (s, o) = acc.integerSum.addingReportingOverflow(n)
                acc.integerSum = s
                acc.overflow = acc.overflow || o
            case .decimal(let d): acc.doubleSum += d
            default: break
            }
        case .min, .max:
            guard let v, !v.isNull else { return }
            if acc.best.isNull { acc.best = v; return }
            let c = Value.compare(v, acc.best) ?? 0
            if (function == .min && c < 0) || (function == .max && c > 0) { acc.best = v }
        case .median:
            if let v, !v.isNull { acc.values.append(v) }
        case .exists:
            break
        }
    }

    static func finish(_ acc: Accumulator, _ spec: CheckedAggregate) -> Value {
        switch spec.function {
        case .count, .count_if: return .int(acc.count)
        case .count_distinct: return .int(Int64(acc.distinct.count))
        case .sum, .sum_if:
            if acc.overflow { return .null }
            switch spec.type {
            case .money: return .money(acc.integerSum)
            case .decimal: return .decimal(acc.doubleSum)
            default: return .int(acc.integerSum)
            }
        case .avg:
            guard acc.count > 0, !acc.overflow else { return .null }
            switch spec.type {
            case .money: return .money(Int64((Double(acc.integerSum) / Double(acc.count)).rounded(.toNearestOrAwayFromZero)))
            case .decimal where spec.argument?.type == .int: return .decimal(Double(acc.integerSum) / Double(acc.count))
            default: return .decimal(acc.doubleSum / Double(acc.count))
            }
        case .min, .max: return acc.best
        case .median:
            guard !acc.values.isEmpty else { return .null }
            let sorted = acc.values.sorted { (Value.compare($0, $1) ?? 0) < 0 }
            let mid = sorted.count / 2
            if sorted.count % 2 == 1 {
                if case .int(let n) = sorted[mid] { return .decimal(Double(n)) }
                return sorted[mid]
            }
            switch (sorted[mid - 1], sorted[mid]) {
            case (.money(let a), .money(let b)): return .money(Int64(((Double(a) + Double(b)) / 2).rounded(.toNearestOrAwayFromZero)))
            case (.date(let a), _): return .date(a)
            default:
                guard let a = sorted[mid - 1].asDouble, let b = sorted[mid].asDouble else { return .null }
                return .decimal((a + b) / 2)
            }
        case .exists: return .null
        }
    }
}
