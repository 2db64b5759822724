import Foundation

/// A SQL engine that runs a session's queries in place of the in-memory store (SPEC §8,
/// `folio --engine`). The session still parses and checks every query against the store's
/// schema (an empty store built from the engine's `folio_schema`), compiles it with
/// ``SQLCompiler`` (parameters as placeholders, sent apart from the SQL), and turns the rows
/// that come back into folio's values, so rendering, formats and errors are the same.
public protocol QueryEngine: AnyObject {
    var dialect: SQLDialectName { get }
    /// Where queries run, for the banner: "PostgreSQL 15.8, database folio on /tmp/pg".
    var description: String { get }
    /// Runs one statement; each row's cells as the engine's text (nil for null).
    func rows(_ sql: String, parameters: [Value], cancellation: Cancellation) throws(EngineError) -> [[String?]]
    /// Connects again after a lost connection (the REPL does before the next statement).
    func reconnect() throws(EngineError)
    /// The engine's own plan of a statement, a line per row.
    func plan(_ sql: String, parameters: [Value], analyze: Bool, cancellation: Cancellation) throws(EngineError) -> [String]
}

/// What went wrong on an engine.
public struct EngineError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The engine refused or failed the statement; `position` is a 1-based character
        /// offset into the SQL when it gave one.
        case server(position: Int?)
        /// Cancelled on request (Ctrl-C); the connection is still good.
        case cancelled
        /// The connection is gone (exit 3 in batch; the REPL reconnects).
        case lost
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

extension Session {
    /// Runs a checked query on the engine: the rows as a frame (with its chart), or the
    /// outcome that says why not.
    func runOnEngine(_ engine: any QueryEngine, _ checked: CheckedPipeline, _ pipeline: Pipeline, cancellation: Cancellation) throws(Diagnostic) -> Result<Frame, EngineOutcome> {
        var compiler = SQLCompiler(store: store, dialect: engine.dialect.dialect, today: today, fiscalYearStart: fiscalYearStart)
        compiler.placeholders = true
        let out = try compiler.compile(checked, chartColumns: true)
        let rows: [[String?]]
        do throws(EngineError) {
            rows = try engine.rows(out.sql, parameters: out.parameters, cancellation: cancellation)
        } catch {
            return .failure(EngineOutcome(error, span: pipeline.span))
        }
        return .success(EngineValues.frame(rows, columns: out.columns, chart: out.chart))
    }

    /// `explain` on an engine: folio's SQL, then the engine's own plan.
    func explainOnEngine(_ engine: any QueryEngine, _ checked: CheckedPipeline, _ pipeline: Pipeline, analyze: Bool, cancellation: Cancellation) throws(Diagnostic) -> Result<Frame, EngineOutcome> {
        var compiler = SQLCompiler(store: store, dialect: engine.dialect.dialect, today: today, fiscalYearStart: fiscalYearStart)
        compiler.placeholders = true
        let out = try compiler.compile(checked)
        let lines: [String]
        do throws(EngineError) {
            lines = try engine.plan(out.sql, parameters: out.parameters, analyze: analyze, cancellation: cancellation)
        } catch {
            return .failure(EngineOutcome(error, span: pipeline.span))
        }
        var text = out.sql.split(separator: "\n", omittingEmptySubsequences: false).map { Value.string(String($0)) }
        for (i, v) in out.parameters.enumerated() { text.append(.string("-- $\(i + 1) = \(ValueFormat.plain(v))")) }
        text.append(.string(""))
        text += lines.map { Value.string($0) }
        return .success(Frame(columns: [OutputColumn(name: "plan on \(engine.dialect.rawValue)", type: .string)], values: [text]))
    }
}

/// Why a statement did not run on the engine, as the session reports it.
struct EngineOutcome: Error {
    var error: EngineError
    var span: Range<Int>

    init(_ error: EngineError, span: Range<Int>) {
        self.error = error
        self.span = span
    }
}

/// The engine's text of each cell as folio's values, by the result column's type: the same
/// values the in-memory engine gives, so that they render alike.
public enum EngineValues {
    public static func frame(_ rows: [[String?]], columns: [OutputColumn], chart: SQLCompiler.ChartColumns? = nil) -> Frame {
        var values = [[Value]](repeating: [], count: columns.count)
        for c in values.indices { values[c].reserveCapacity(rows.count) }
        for row in rows {
            for (c, column) in columns.enumerated() { values[c].append(value(c < row.count ? row[c] : nil, column.type)) }
        }
        var frame = Frame(columns: columns, values: values)
        if let chart {
            let valueType = chart.valueType
            frame.chart = Chart(labelName: chart.labelName ?? "#", valueName: chart.valueName,
                                labels: rows.indices.map { i in
                                    guard chart.label != nil, chart.label! < rows[i].count else { return String(i + 1) }
                                    return rows[i][chart.label!].map { ValueFormat.plain(value($0, chart.labelType ?? .string)) } ?? ""
                                },
                                values: rows.map { r in chart.value < r.count ? value(r[chart.value], valueType) : .null })
        }
        return frame
    }

    /// One cell, from PostgreSQL's text output format.
    public static func value(_ text: String?, _ type: ValueType) -> Value {
        guard let text else { return .null }
        switch type {
        case .null: return .null
        case .bool: return .bool(text == "t" || text == "true" || text == "1")
        case .int:
            if let n = Int64(text) { return .int(n) }
            // A whole number computed as a double or numeric ("12.0").
            if let d = Double(text), d == d.rounded(), Swift.abs(d) < 9.2e18 { return .int(Int64(d)) }
            return .null
        case .money: return cents(text).map { .money($0) } ?? .null
        case .decimal:
            switch text {
            case "NaN": return .null
            case "Infinity": return .decimal(.infinity)
            case "-Infinity": return .decimal(-.infinity)
            default: return Double(text).map { .decimal($0) } ?? .null
            }
        case .date: return Day.parse(text).map { .date($0) } ?? .null
        case .enumeration(let domain):
            if let code = domain.labels.firstIndex(of: text) { return .enumeration(Int32(code), text) }
            return domain.code(of: text).map { .enumeration($0, domain.labels[Int($0)]) } ?? .string(text)
        case .list:
            let items = array(text)
            return items.isEmpty ? .null : .list(items)
        default: return .string(text)
        }
    }

    /// "1234.5", "-0.07", "12" as cents, rounded half away from zero past two decimals.
    static func cents(_ text: String) -> Int64? {
        var negative = false
        var whole: Int64 = 0
        var fraction: [UInt8] = []
        var seenPoint = false
        var digits = 0
        for (i, b) in text.utf8.enumerated() {
            switch b {
            case UInt8(ascii: "-") where i == 0: negative = true
            case UInt8(ascii: "+") where i == 0: break
            case UInt8(ascii: "."): if seenPoint { return nil } else { seenPoint = true }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                if seenPoint {
                    fraction.append(b - 48)
                } else {
                    let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int64(b - 48))
                    if o1 || o2 { return nil }
                    whole = a
                }
            default:
                // An exponent (a double's text): through Double.
                guard let d = Double(text) else { return nil }
                let c = (d * 100).rounded(.toNearestOrAwayFromZero)
                return Swift.abs(c) < 9.2e18 ? Int64(c) : nil
            }
        }
        guard digits > 0 else { return nil }
        var c = whole.multipliedReportingOverflow(by: 100)
        if c.overflow { return nil }
        let tens = Int64(fraction.count > 0 ? fraction[0] : 0) * 10 + Int64(fraction.count > 1 ? fraction[1] : 0)
        var total = c.partialValue + tens
        if fraction.count > 2, fraction[2] >= 5 { total += 1 }
        c = (negative ? -total : total, false)
        return c.partialValue
    }

    /// A PostgreSQL array's text (`{a,"b c",NULL}`) as its items, nulls left out.
    static func array(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return [text] }
        var items: [String] = []
        var i = 1
        let end = bytes.count - 1
        while i < end {
            var item: [UInt8] = []
            var quoted = false
            if bytes[i] == UInt8(ascii: "\"") {
                quoted = true
                i += 1
                while i < end, bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\"), i + 1 < end { i += 1 }
                    item.append(bytes[i])
                    i += 1
                }
                i += 1
            } else {
                while i < end, bytes[i] != UInt8(ascii: ",") {
                    item.append(bytes[i])
                    i += 1
                }
            }
            let s = String(decoding: item, as: UTF8.self)
            if quoted || s != "NULL" { items.append(s) }
            i += 1  // the comma
        }
        return items
    }
}

extension Store {
    /// An empty store with the schema an engine's `folio_schema` records (a row per field:
    /// entity, position, field, type, picklist, target, relationship, inverse, custom), for
    /// checking and completing queries that run there. `meta` holds `as_of` and
    /// `fiscal_year_start`.
    public static func fromSchemaTable(_ rows: [[String?]], meta: [String: String]) throws(EngineError) -> Store {
        var order: [String] = []
        var fields: [String: [(Int, FieldDef, [String])]] = [:]
        for r in rows {
            guard r.count >= 9, let entity = r[0], let position = r[1].flatMap({ Int($0) }), let name = r[2],
                  let typeName = r[3], let type = SQLExport.fieldType(typeName) else {
                throw EngineError(.server(position: nil), "folio_schema has a row folio cannot read: \(r.map { $0 ?? "null" })")
            }
            var labels: [String] = []
            if let p = r[4] {
                guard case .array(let items)? = try? JSON.parse(Array(p.utf8)) else {
                    throw EngineError(.server(position: nil), "folio_schema: the picklist of \(entity).\(name) is not a JSON array")
                }
                labels = items.compactMap { if case .string(let s) = $0 { s } else { nil } }
            }
            var f = FieldDef(name, type, values: labels, isCustom: r[8] == "true")
            if let target = r[5], let rel = r[6], let inverse = r[7] { f.reference = Reference(target: target, name: rel, inverse: inverse) }
            if fields[entity] == nil { order.append(entity) }
            fields[entity, default: []].append((position, f, labels))
        }
        let defs = order.map { e in EntityDef(name: e, fields: (fields[e] ?? []).sorted { $0.0 < $1.0 }.map(\.1)) }
        let schema = Schema(entities: defs)
        var tables: [EntityTable] = []
        for def in defs {
            var columns: [Column] = []
            var links: [Int: StoreArray<Int32>] = [:]
            for (i, f) in def.fields.enumerated() {
                switch f.type {
                case .string: columns.append(.string(StringColumn()))
                case .int: columns.append(.int([]))
                case .money: columns.append(.money([]))
                case .decimal: columns.append(.decimal([]))
                case .date: columns.append(.date([]))
                case .bool: columns.append(.bool([]))
                case .stringList: columns.append(.list(ListColumn()))
                case .enumeration:
                    let declared = Schema.standard.entity(def.name)?.fields.first { $0.name == f.name }?.enumValues.count
                    var domain = EnumDomain(name: "\(def.name).\(f.name)", declared: f.enumValues)
                    domain.declaredCount = min(declared ?? f.enumValues.count, f.enumValues.count)
                    columns.append(.enumeration(EnumColumn(domain: domain)))
                }
                if f.reference != nil { links[i] = [] }
            }
            var collections: [String: CSR] = [:]
            for c in schema.collections(of: def.name) { collections[c.name.lowercased()] = CSR(links: [], parentCount: 0) }
            var hierarchies: [Int: Hierarchy] = [:]
            if let h = def.hierarchyField, let ref = def.fields[h].reference, let children = collections[ref.inverse.lowercased()] {
                hierarchies[h] = Hierarchy(links: [], children: children)
            }
            tables.append(EntityTable(def: def, rowCount: 0, columns: columns, idIndex: ByteHashIndex(), links: links, collections: collections,
                                      indexes: TableIndexes(), hierarchies: hierarchies))
        }
        let asOf = meta["as_of"].flatMap(Day.parse)
        let fiscal = meta["fiscal_year_start"].flatMap { Int($0) } ?? 1
        return Store(schema: schema, tables: tables, asOf: asOf, fiscalYearStart: fiscal)
    }
}
