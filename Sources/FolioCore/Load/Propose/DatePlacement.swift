/// Where each date format goes (the top level when every file agrees, else per entity, else
/// per field), which columns are refused as dates (day and month ambiguous in every value),
/// and `as_of`: the latest date in the data, so that `today` is the snapshot's date.
enum DatePlacement {
    struct Outcome {
        var topFormat: String?
        var asOf: Int32?
        var notes: [String] = []
    }

    /// Headers of dates that look ahead (a renewal, an expected close), which say nothing of when the data was taken.
    static let ahead = ["renewal", "expected", "due", "next", "expir", "forecast", "planned", "end", "target", "deadline"]

    /// Refuses ambiguous columns, places the formats of the others, and finds `as_of`.
    static func decide(_ plans: inout [TablePlan]) -> Outcome {
        var outcome = Outcome()
        var found: [(plan: Int, column: Int, format: String)] = []
        var latest: (day: Int32, file: String, header: String)?
        for i in plans.indices {
            for c in plans[i].columns.indices where !plans[i].columns[c].dropped && !plans[i].columns[c].isLink {
                let p = plans[i].profiles[c]
                let isDateField = plans[i].columns[c].isBuiltIn
                    ? plans[i].builtIn?.fields.first { $0.name == plans[i].columns[c].field }?.type == .date
                    : plans[i].columns[c].type == .date
                if case .ambiguous(let dayFirst, let monthFirst, let example) = p.dates {
                    refuse(&plans[i], c, dayFirst: dayFirst, monthFirst: monthFirst, example: example)
                    continue
                }
                guard isDateField, p.dates.isDate else { continue }
                if let f = p.dates.format { found.append((i, c, f)) }
                let last = closedLatest(plans[i], c) ?? p.dates.latest
                if let d = last, d != Day.null, !ahead.contains(where: { p.normalized.contains($0) }), latest.map({ d > $0.day }) ?? true {
                    latest = (d, plans[i].table.file, p.header)
                }
            }
        }
        // `M` and `MM` read alike (as `D` and `DD` do): formats that differ only there agree.
        let formats = Set(found.map { canonical($0.format) })
        if formats.count == 1 {
            outcome.topFormat = merged(found.map(\.format))
        } else {
            for i in plans.indices {
                let own = found.filter { $0.plan == i }
                if Set(own.map { canonical($0.format) }).count == 1 {
                    plans[i].dateFormat = merged(own.map(\.format))
                } else {
                    for f in own { plans[f.plan].columns[f.column].dateFormat = f.format }
                }
            }
        }
        for f in found {
            let p = plans[f.plan].profiles[f.column]
            let written = plans[f.plan].columns[f.column].dateFormat ?? plans[f.plan].dateFormat ?? outcome.topFormat ?? f.format
            var line = "  \(p.header): dates as \(written)"
            if case .format(_, let evidence?, _) = p.dates {
                line += written.hasPrefix("D") ? " (day first: values like \(evidence))" : " (month first: values like \(evidence))"
            }
            plans[f.plan].notes.append(line)
        }
        if let latest {
            outcome.asOf = latest.day
            outcome.notes.append("as_of \(Day.format(latest.day)): the latest date in the data (\(latest.file) \(latest.header)), so today is the snapshot's date")
        }
        return outcome
    }

    /// A format with one-letter day and month tokens (`MM/DD/YYYY` → `M/D/YYYY`); `MMM` stays.
    static func canonical(_ f: String) -> String {
        f.replacingOccurrences(of: "MMM", with: "\u{1}").replacingOccurrences(of: "MM", with: "M")
            .replacingOccurrences(of: "DD", with: "D").replacingOccurrences(of: "\u{1}", with: "MMM")
    }

    /// One format for several columns that agree: as written when they write it alike, else canonical.
    static func merged(_ formats: [String]) -> String? {
        guard let first = formats.first else { return nil }
        return formats.allSatisfy { $0 == first } ? first : canonical(first)
    }

    /// The latest close date of the closed deals: an open deal's close date is expected, not
    /// past. Nil when the column is not opportunities' close_date or there is no stage column.
    static func closedLatest(_ plan: TablePlan, _ c: Int) -> Int32? {
        guard plan.entity == "opportunities", plan.columns[c].isBuiltIn, plan.columns[c].field == "close_date",
              let s = plan.column(feeding: "stage"), let stage = plan.builtIn?.fields.first(where: { $0.name == "stage" }) else { return nil }
        var closed: [String: Bool] = [:]
        for label in plan.profiles[s].distinct {
            let value = plan.columns[s].labels.first { $0.label == label }?.value
                ?? LabelVocabulary.match(label, field: "opportunities.stage", declared: stage.enumValues)?.value
            closed[label] = value == "closed_won" || value == "closed_lost"
        }
        let format = plan.profiles[c].dates.format.flatMap { f -> DateFormat? in
            if case .success(let d) = DateFormat.parse(f) { return d }
            return nil
        }
        var latest = Day.null
        for (label, text) in zip(plan.table.cells[s], plan.table.cells[c]) where closed[label] == true && !text.isEmpty {
            var t = text
            if let d = t.withUTF8({ b in format.flatMap { $0.day(CellParse.trimmed(b)) } ?? CellParse.date(CellParse.trimmed(b)) }) { latest = max(latest, d) }
        }
        return latest
    }

    /// A column whose every value reads both day first and month first: not a date (text,
    /// typed so, so that no format of the folder reads it either), and the report says what to write.
    static func refuse(_ plan: inout TablePlan, _ c: Int, dayFirst: String, monthFirst: String, example: String) {
        let header = plan.profiles[c].header
        let wasBuiltIn = plan.columns[c].isBuiltIn
        let field = wasBuiltIn || plan.isNew ? plan.columns[c].field : header
        plan.columns[c].isBuiltIn = false
        plan.columns[c].field = plan.isNew ? plan.columns[c].field : header
        plan.columns[c].type = .string
        plan.columns[c].declareType = true
        plan.columns[c].nullTexts = []
        var line = "  \(header): not read as a date: every value reads as \(dayFirst) and as \(monthFirst) (like \(example)); kept as text. "
        line += "Say which in folio.json: \"date_format\": {\"\(field)\": \"\(dayFirst)\"} (or \"\(monthFirst)\") in entities.\(plan.entity)"
        if wasBuiltIn {
            line += Loader.normalizeHeader(header) == field
                ? ", and drop \(header)'s entries in \"columns\" and \"types\""
                : ", map \(header) onto \(field) in \"columns\" and drop its \"types\" entry"
        } else {
            line += plan.isNew ? ", and make it \"date\" in \"fields\"" : ", and drop its \"types\" entry"
        }
        plan.notes.append(line)
    }
}
