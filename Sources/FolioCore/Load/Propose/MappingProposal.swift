/// `folio init DIR` (SPEC §3): a folio.json for a folder of exports folio has never seen.
///
/// ```
/// files ─ SourceTable ─ ColumnProfile ─┬─ EntityAssignment   which file is which entity
///                                      ├─ ColumnMapping      headers onto fields (values fit)
///                                      ├─ Keys               id, else a unique name
///                                      ├─ ForeignKeys        links, add_missing, --lenient
///                                      ├─ ValueMapping       picklist labels, countries, nulls
///                                      └─ DatePlacement      date formats, as_of
///                                   → ProposalDraft → JSON → ProposalCheck (loads it, fixes it)
/// ```
///
/// ```swift
/// let proposal = try MappingProposal.propose(directory: "exports/maven")
/// try proposal.json.write(toFile: "exports/maven/folio.json", atomically: true, encoding: .utf8)
/// proposal.report.forEach { print($0) }   // sales_pipeline.csv → opportunities (…)
/// ```
public enum MappingProposal {
    public struct Result: Sendable {
        /// The folio.json text (pretty-printed, stable key order, ending in a newline).
        public var json: String
        /// What was guessed and why, what could not be mapped, and the command to run next: one line each, for stderr.
        public var report: [String]
        /// Whether loading the proposal needs --lenient (dangling keys that nothing can fix).
        public var needsLenient: Bool
    }

    /// Reads the folder's CSV, JSONL and XLSX files (headers, and values: all rows of files up to ~50 MB, a large sample otherwise) and proposes a mapping.
    public static func propose(directory: String) throws(LoadError) -> Result {
        let (tables, files) = try SourceTable.readFolder(directory)
        guard !tables.isEmpty else {
            throw LoadError(file: directory, kind: "missing data", message: "no data files here (.csv, .jsonl or .xlsx) to propose a mapping for")
        }
        var draft = makeDraft(tables, directory: directory)
        ProposalCheck.verify(&draft, files: files)
        return result(draft)
    }

    /// Every decision about the folder, before it is checked by loading it.
    static func makeDraft(_ tables: [SourceTable], directory: String) -> ProposalDraft {
        var headings: [(file: String, line: String)] = []
        var data: [SourceTable] = []
        for t in tables {
            if let why = EntityAssignment.documentation(t, among: tables) {
                headings.append((t.file, "\(t.file) skipped: \(why)"))
            } else {
                data.append(t)
            }
        }
        var plans = EntityAssignment.assign(data)
        for i in plans.indices { ColumnMapping.mapFields(&plans[i]) }
        Keys.choose(&plans)
        var keyed: [TablePlan] = []
        for plan in plans {
            if plan.identity == nil, plan.isNew || !defaultName(plan) {
                let repeats = plan.profiles.filter { HeaderVocabulary.isIdLike($0.header) }.map(\.header)
                let which = repeats.isEmpty ? "" : " (\(repeats.joined(separator: ", ")) repeat)"
                headings.append((plan.table.file, "\(plan.table.file) skipped: no column identifies its rows\(which); folio needs an id or a unique name, and the mapping cannot make one from several columns"))
                continue
            }
            headings.append((plan.table.file, "\(plan.table.file) → \(plan.entity) (\(plan.reason))"))
            keyed.append(plan)
        }
        for i in keyed.indices { ColumnMapping.nameFields(&keyed[i]) }
        var links = ForeignKeys(plans: keyed)
        links.link()
        plans = links.plans
        for i in plans.indices {
            ColumnMapping.typeCustomFields(&plans[i])
            ValueMapping.apply(&plans[i])
            ColumnMapping.constants(&plans[i])
            ColumnMapping.limits(&plans[i])
        }
        let dates = DatePlacement.decide(&plans)
        var draft = ProposalDraft(directory: directory, plans: plans, headings: headings.sorted { $0.file < $1.file }, made: links.made,
                                  relationships: links.relationships, topFormat: dates.topFormat, asOf: dates.asOf, needsLenient: links.needsLenient)
        for m in links.made {
            draft.closing.append("\(m.entity): no file; add_missing makes a row for each of the \(Keys.count(m.keys.count)) keys in \(m.sources.joined(separator: " and ")) (their id is the key: \(m.keys.prefix(3).joined(separator: ", "))\(m.keys.count > 3 ? ", …" : ""))")
        }
        draft.closing += links.notes
        for plan in plans where plan.table.raggedRows > 0 {
            draft.needsLenient = true
            draft.closing.append("\(plan.table.file): \(plan.table.raggedRows) rows have more or fewer fields than the header; --lenient skips them")
        }
        for plan in plans where plan.table.isSample {
            draft.closing.append("\(plan.table.file): over \(SourceTable.wholeFileBytes >> 20) MB; its first \(Keys.count(plan.table.rowCount)) rows were read to propose this")
        }
        draft.closing += dates.notes
        return draft
    }

    /// Whether the loader reads a plan's file for its entity anyway (`accounts.csv`).
    static func defaultName(_ plan: TablePlan) -> Bool {
        [".csv", ".jsonl", ".xlsx"].contains { plan.table.file == plan.entity + $0 }
    }

    /// The folio.json text and the report: each file's heading and notes, then the closing lines and the command to run next.
    static func result(_ draft: ProposalDraft) -> Result {
        var report: [String] = []
        for (file, line) in draft.headings {
            report.append(line)
            if let plan = draft.plans.first(where: { $0.table.file == file }), line.contains(" → ") { report += plan.notes }
        }
        report += draft.closing
        report.append("next: folio --data \(draft.directory)\(draft.needsLenient ? " --lenient" : "")")
        return Result(json: draft.json().pretty() + "\n", report: report, needsLenient: draft.needsLenient)
    }
}
