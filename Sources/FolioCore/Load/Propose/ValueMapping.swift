/// `values` and value-level `null_values`: picklist labels onto folio's declared values
/// (never onto a value that is not declared), country names onto ISO codes, bands a
/// spreadsheet turned into dates put back (`May-20` → `5-20`), and a zero that stands for
/// "not declared" in a column that is almost all zeros.
enum ValueMapping {
    /// Maps the values of every column that feeds a field.
    static func apply(_ plan: inout TablePlan) {
        for c in plan.columns.indices where !plan.columns[c].dropped && !plan.columns[c].isLink && c != plan.identity {
            if plan.columns[c].isBuiltIn, let f = plan.builtIn?.fields.first(where: { $0.name == plan.columns[c].field }) {
                if f.type == .enumeration { picklist(&plan, c, f) }
                if f.name == "country" { countries(&plan, c) }
                if [.money, .int, .decimal].contains(f.type) { placeholderZeros(&plan, c) }
            } else {
                if plan.columns[c].type == .string { spreadsheetBands(&plan, c) }
                if [.money, .int, .decimal].contains(plan.columns[c].type) { placeholderZeros(&plan, c) }
            }
        }
    }

    /// Labels onto declared values; the report says which matched how and which stay custom.
    static func picklist(_ plan: inout TablePlan, _ c: Int, _ f: FieldDef) {
        let p = plan.profiles[c]
        let field = "\(plan.entity).\(f.name)"
        var mapped: [String] = [], already: [String] = [], kept: [String] = [], distinct: [String] = []
        let matches = p.values.map { LabelVocabulary.match($0, field: field, declared: f.enumValues) }
        // A category (an industry, a kind of activity) that the export itself tells apart is
        // not folded into another: `Banking` stays beside `Financial Services`, and
        // `demo_held` beside `meeting_scheduled`, as custom values (sorted after the declared
        // ones). Spelling variants are folded still; stages and statuses fold as before.
        var separate: Set<String> = []
        if LabelVocabulary.categories.contains(field) {
            var byValue: [String: (exact: [String], loose: [String])] = [:]
            for (label, match) in zip(p.values, matches) {
                guard let (value, how) = match else { continue }
                if how == .already || how == .spelling { byValue[value, default: ([], [])].exact.append(label) } else { byValue[value, default: ([], [])].loose.append(label) }
            }
            for (value, group) in byValue.sorted(by: { $0.key < $1.key }) where !group.loose.isEmpty && (!group.exact.isEmpty || group.loose.count > 1) {
                separate.formUnion(group.loose)
                let why = group.exact.isEmpty ? "each would be \(value)" : "\(list(group.exact)) \(group.exact.count == 1 ? "is" : "are") \(value)"
                distinct.append(list(group.loose) + " (\(why))")
            }
        }
        for (label, match) in zip(p.values, matches) {
            guard let (value, how) = match, !separate.contains(label) else {
                if !separate.contains(label) { kept.append(label) }
                continue
            }
            if how == .already {
                if label != value { already.append("\(label) matches \(value)") }
            } else {
                plan.columns[c].labels.append((label, value))
                mapped.append("\(label) → \(value)")
            }
        }
        var parts: [String] = []
        if !mapped.isEmpty { parts.append(mapped.joined(separator: ", ")) }
        if !already.isEmpty { parts.append(list(already)) }
        if !kept.isEmpty { parts.append(list(kept) + " kept as custom values of \(f.name) (no close match)") }
        if !distinct.isEmpty { parts.append(distinct.joined(separator: "; ") + " kept as values of their own: the export tells them apart") }
        guard !parts.isEmpty else { return }
        let header = p.header == f.name ? f.name : "\(p.header) → \(f.name)"
        plan.notes.append("  \(header): " + parts.joined(separator: "; "))
    }

    /// Items for the report, the first `most` of them.
    static func list(_ items: [String], most: Int = 12) -> String {
        items.prefix(most).joined(separator: ", ") + (items.count > most ? " and \(items.count - most) more" : "")
    }

    /// Country names onto ISO codes, when most values are names folio knows.
    static func countries(_ plan: inout TablePlan, _ c: Int) {
        let values = plan.profiles[c].values
        guard !values.isEmpty, !CountryNames.areCodes(values) else { return }
        let known = values.compactMap { v in CountryNames.code(of: v).map { (v, $0) } }
        guard known.count * 5 >= values.count * 3 else { return }
        plan.columns[c].labels += known.filter { $0.0 != $0.1 }
        let unknown = values.filter { v in !known.contains { $0.0 == v } }
        var line = "  \(plan.profiles[c].header) → country: \(known.count) country names onto ISO codes (\(list(known.prefix(4).map { "\($0.0) → \($0.1)" }, most: 4))\(known.count > 4 ? ", …" : ""))"
        if !unknown.isEmpty { line += "; \(list(unknown)) kept as written" }
        plan.notes.append(line)
    }

    /// A band column (`1-5`, `5-20`, `200+`) where a spreadsheet read some bands as dates:
    /// `May-20` was 5-20 (month, then the second number), `01-May` was 1-5 (day, then month).
    static func spreadsheetBands(_ plan: inout TablePlan, _ c: Int) {
        let values = plan.profiles[c].values
        func isBand(_ v: String) -> Bool {
            let parts = v.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 2 { return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) } }
            return v.hasSuffix("+") && v.dropLast().allSatisfy(\.isNumber) && v.count > 1
        }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        var fixes: [(String, String)] = []
        for v in values {
            let parts = v.split(separator: "-").map(String.init)
            guard parts.count == 2 else { continue }
            if let m = months.firstIndex(of: parts[0].lowercased()), let n = Int(parts[1]) {
                fixes.append((v, "\(m + 1)-\(n)"))
            } else if let n = Int(parts[0]), let m = months.firstIndex(of: parts[1].lowercased()) {
                fixes.append((v, "\(n)-\(m + 1)"))
            }
        }
        let bands = values.filter(isBand)
        // The other values are bands, so these were bands too.
        guard !fixes.isEmpty, bands.count >= 2 else { return }
        plan.columns[c].labels += fixes
        plan.notes.append("  \(plan.profiles[c].header): \(fixes.map { "\($0.0) → \($0.1)" }.joined(separator: ", ")) (bands a spreadsheet turned into dates)")
    }

    /// `0.0` in nearly every row of an amount (`declared_monthly_revenue`) means "not declared".
    static func placeholderZeros(_ plan: inout TablePlan, _ c: Int) {
        let p = plan.profiles[c]
        guard let zero = p.values.first(where: { v in
            let t = v.trimmingCharacters(in: .whitespaces)
            return !t.isEmpty && t.allSatisfy { $0 == "0" || $0 == "." } && t.contains("0")
        }), let n = p.counts[zero] else { return }
        let hinted = zero.contains(".") || ["declared", "estimated", "revenue", "size", "reported"].contains { p.squashed.contains($0) }
        let others = p.values.count - 1
        guard hinted, others >= 2, n * 4 >= p.nonEmpty * 3 else { return }
        plan.columns[c].nullTexts.append(zero.trimmingCharacters(in: .whitespaces))
        plan.notes.append("  \(p.header): \(zero) in \(Keys.count(n)) of \(Keys.count(p.nonEmpty)) rows read as not declared (null)")
    }
}
