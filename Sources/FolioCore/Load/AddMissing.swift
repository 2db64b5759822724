/// `add_missing` (SPEC §3): rows made, with only their key, for the keys other rows
/// reference but no file has — the managers a sales team names only in its `manager` column.
extension Loader {
    static func addMissing(_ parsed: inout [ParsedEntity], _ plans: [EntityPlan], source: DataSource) throws(LoadError) {
        for (ti, plan) in plans.enumerated() where plan.mapping?.addMissing == true {
            guard case .string(let ids) = parsed[ti].columns[0] else { continue }
            let target = parsed[ti]
            var missing: [String] = []
            var seen = Set<String>()
            for e in parsed {
                for (fi, f) in e.def.fields.enumerated() {
                    guard let r = f.reference, r.target.caseInsensitiveEquals(target.def.name), case .string(let keys) = e.columns[fi] else { continue }
                    keys.bytes.withUnsafeBufferPointer { bytes in
                        for row in 0..<keys.count where !keys.isNull(row) {
                            let key = UnsafeBufferPointer(rebasing: bytes[keys.range(row)])
                            if target.idIndex.lookup(key, in: ids) != nil { continue }
                            if target.key != nil, !target.idIndex.lookupFolded(key, in: ids).isEmpty { continue }
                            let text = String(decoding: key, as: UTF8.self)
                            if seen.insert(foldedKey(text)).inserted { missing.append(text) }
                        }
                    }
                }
            }
            if missing.isEmpty { continue }
            // The new rows: their id and key are the text referenced; every other field is null.
            var columns = target.columns
            for (fi, column) in columns.enumerated() {
                let keyText = fi == 0 || fi == target.key
                columns[fi] = column.appending(nulls: missing.count, texts: keyText ? missing : nil)
            }
            parsed[ti].columns = columns
            parsed[ti].rowCount += missing.count
            // Line 0: a row no file has.
            parsed[ti].lines += [Int32](repeating: 0, count: missing.count)
            guard case .string(let all) = columns[0] else { continue }
            var index = ByteHashIndex(capacity: all.count)
            _ = index.insertAll(all)
            parsed[ti].idIndex = index
        }
    }
}

extension Column {
    /// The column with `n` rows more: `texts` for a string column, else nulls.
    func appending(nulls n: Int, texts: [String]?) -> Column {
        switch self {
        case .int(var a): a.append(contentsOf: repeatElement(Column.nullInt, count: n)); return .int(a)
        case .money(var a): a.append(contentsOf: repeatElement(Column.nullInt, count: n)); return .money(a)
        case .decimal(var a): a.append(contentsOf: repeatElement(Double.nan, count: n)); return .decimal(a)
        case .date(var a): a.append(contentsOf: repeatElement(Day.null, count: n)); return .date(a)
        case .bool(var a): a.append(contentsOf: repeatElement(Int8(-1), count: n)); return .bool(a)
        case .enumeration(var e): e.codes.append(contentsOf: repeatElement(Int32(-1), count: n)); return .enumeration(e)
        case .string(var s):
            for i in 0..<n {
                if let texts { s.append(texts[i]) } else { s.appendNull() }
            }
            return .string(s)
        case .list(var l):
            let end = l.offsets.last ?? 0
            l.offsets.append(contentsOf: repeatElement(end, count: n))
            return .list(l)
        }
    }
}
