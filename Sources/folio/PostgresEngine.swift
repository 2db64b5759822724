import Foundation
import FolioCore
import FolioPostgres

/// PostgreSQL (or anything that speaks its protocol and dialect) as a session's engine:
/// `folio --engine postgresql://…`. Statements go with their parameters apart from the SQL;
/// Ctrl-C cancels the running one on the server; a lost connection is reported once and
/// the next statement connects again.
final class PostgresEngine: QueryEngine {
    let connection: PostgresConnection
    /// The connection string without its password, for the banner and messages.
    let target: String
    let version: Int

    var dialect: SQLDialectName { .postgres }

    var description: String {
        "PostgreSQL \(version / 10000).\(version % 10000) at \(target)"
    }

    init(_ conninfo: String) throws(EngineError) {
        do {
            connection = try PostgresConnection(conninfo)
        } catch {
            throw EngineError(.lost, error.description)
        }
        let shown = redactingPassword(in: conninfo)
        target = shown.isEmpty ? "the server" : shown
        version = connection.serverVersion
    }

    /// The schema folio pushed there (`folio_schema`, `folio_meta`), as an empty store.
    func store() throws(EngineError) -> Store {
        let schema: PostgresResult, meta: PostgresResult
        do {
            schema = try connection.query("SELECT entity, position, field, type, picklist, target, relationship, inverse, custom FROM folio_schema ORDER BY entity, CAST(position AS INTEGER)")
            meta = try connection.query("SELECT key, value FROM folio_meta")
        } catch {
            if error.sqlstate == "42P01" {
                throw EngineError(.server(position: nil), "\(target) has no folio tables: fill it with `folio push \(target)` first")
            }
            throw Self.engineError(error)
        }
        // folio_schema keeps the entities in push order; the rows come sorted by name, so
        // put them back in the order of their first appearance in the pushed schema.
        var settings: [String: String] = [:]
        for r in meta.rows { if let k = r[0], let v = r[1] { settings[k] = v } }
        let ordered = settings["entities"].map { list in
            let names = list.split(separator: ",").map(String.init)
            return schema.rows.sorted { (names.firstIndex(of: $0[0] ?? "") ?? 0) < (names.firstIndex(of: $1[0] ?? "") ?? 0) }
        } ?? schema.rows
        return try Store.fromSchemaTable(ordered, meta: settings)
    }

    func rows(_ sql: String, parameters: [Value], cancellation: Cancellation) throws(EngineError) -> [[String?]] {
        try ensureConnected()
        do {
            return try connection.query(sql, parameters: parameters.map(Self.text), isCancelled: { cancellation.isCancelled }).rows
        } catch {
            throw Self.engineError(error)
        }
    }

    func plan(_ sql: String, parameters: [Value], analyze: Bool, cancellation: Cancellation) throws(EngineError) -> [String] {
        try ensureConnected()
        do {
            let result = try connection.query("EXPLAIN \(analyze ? "(ANALYZE, BUFFERS) " : "")" + sql, parameters: parameters.map(Self.text),
                                              isCancelled: { cancellation.isCancelled })
            return result.rows.map { $0.first.flatMap { $0 } ?? "" }
        } catch {
            throw Self.engineError(error)
        }
    }

    func reconnect() throws(EngineError) {
        do {
            try connection.reset()
        } catch {
            throw EngineError(.lost, error.description)
        }
    }

    /// After a lost connection, the next statement connects again first.
    func ensureConnected() throws(EngineError) {
        if !connection.isConnected { try reconnect() }
    }

    static func text(_ v: Value) -> String? {
        v.isNull ? nil : ValueFormat.plain(v)
    }

    static func engineError(_ error: PostgresError) -> EngineError {
        switch error.kind {
        case .cancelled: EngineError(.cancelled, error.description)
        case .connectionLost, .connect: EngineError(.lost, error.description)
        case .server(_, _, _, _, let position): EngineError(.server(position: position), error.description)
        case .protocolError: EngineError(.server(position: nil), error.description)
        }
    }
}

/// `folio push postgresql://…`: the portfolio into a PostgreSQL database, in one transaction.
enum Push {
    struct Report {
        var tables: [(name: String, rows: Int)] = []
        var milliseconds: Double = 0
    }

    /// Creates folio's tables (dropping the ones a previous push made), loads them with
    /// COPY, indexes them, records `folio_schema`, and commits: a failure anywhere leaves
    /// the database as it was.
    static func run(_ store: Store, to conninfo: String, progress: ((String, Int, Int) -> Void)?) throws(EngineError) -> Report {
        let started = DispatchTime.now().uptimeNanoseconds
        let engine = try PostgresEngine(conninfo)
        let connection = engine.connection
        let export = SQLExport(store: store, dialect: .postgres)
        var report = Report()
        do {
            // The tables a previous push made, which this one replaces.
            var previous: [String] = []
            let known = try connection.query("SELECT to_regclass('folio_schema') IS NOT NULL")
            if known.rows.first?.first == "t" {
                let rows = try connection.query("SELECT DISTINCT entity, field, type FROM folio_schema").rows
                for r in rows {
                    if let e = r[0] { previous.append(e) }
                    if let e = r[0], let f = r[1], r[2] == "list" { previous.append(SQLNames.listTable(e, f)) }
                }
            }
            try connection.execute("BEGIN")
            let plan = export.pushPlan
            for name in Set(previous + plan.tables.map(\.table.name) + ["folio_schema", "folio_meta"]).sorted() {
                try connection.execute("DROP TABLE IF EXISTS \(PostgresConnection.quoteIdentifier(name)) CASCADE")
            }
            for step in plan.tables {
                try connection.execute(step.create)
                let table = step.table
                // The header, then the rows a chunk at a time, made on another thread a few
                // chunks ahead while the server parses the ones sent.
                let ahead = ChunkQueue(table)
                var header: [UInt8]? = table.headerLine
                var done = 0
                let chunks = AnySequence { AnyIterator { () -> [UInt8]? in
                    if let h = header {
                        header = nil
                        return h
                    }
                    guard let (bytes, rows) = ahead.next() else { return nil }
                    done += rows
                    progress?(table.name, done, table.rowCount)
                    return bytes
                } }
                defer { ahead.stop() }
                let copied = try connection.copyIn("COPY \(PostgresConnection.quoteIdentifier(table.name)) FROM STDIN WITH (FORMAT csv, HEADER true)", chunks: chunks)
                if !["folio_schema", "folio_meta"].contains(table.name) { report.tables.append((table.name, copied)) }
            }
            for index in plan.indexes { try connection.execute(index) }
            try connection.execute("COMMIT")
            try connection.execute("ANALYZE")
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw PostgresEngine.engineError(error)
        }
        report.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        return report
    }
}

/// A table's CSV chunks made on a thread of their own, at most four ahead of the reader.
final class ChunkQueue: @unchecked Sendable {
    private let lock = NSCondition()
    private var ready: [([UInt8], Int)] = []
    private var finished = false
    private var stopped = false

    init(_ table: TableCSV) {
        let ranges = table.chunks()
        Thread.detachNewThread { [self] in
            for range in ranges {
                let bytes = table.lines(range)
                lock.lock()
                while ready.count >= 4, !stopped { lock.wait() }
                if stopped {
                    lock.unlock()
                    return
                }
                ready.append((bytes, range.count))
                lock.broadcast()
                lock.unlock()
            }
            lock.lock()
            finished = true
            lock.broadcast()
            lock.unlock()
        }
    }

    /// The next chunk and its row count; nil after the last.
    func next() -> ([UInt8], Int)? {
        lock.lock()
        defer { lock.unlock() }
        while ready.isEmpty, !finished { lock.wait() }
        if ready.isEmpty { return nil }
        let first = ready.removeFirst()
        lock.broadcast()
        return first
    }

    /// Lets the maker stop early (a failed COPY).
    func stop() {
        lock.lock()
        stopped = true
        lock.broadcast()
        lock.unlock()
    }
}
