import CLibpq

/// The rows a statement returned, as the server's text, and how many rows it changed.
///
/// ```swift
/// let result = try connection.query("select id, name from account where id = $1", parameters: ["7"])
/// result.columns   // [(name: "id", typeOID: 23), (name: "name", typeOID: 25)]
/// result.rows      // [["7", "Acme"]]
/// ```
public struct PostgresResult: Sendable {
    /// Each column's name and the OID of its type (`pg_type.oid`: 23 is int4, 25 text …).
    public let columns: [(name: String, typeOID: UInt32)]
    /// The values in text format, row by row; nil is SQL NULL.
    public let rows: [[String?]]
    /// The count in the command tag (INSERT, UPDATE, DELETE, SELECT, COPY …), or nil when
    /// the command reports none (CREATE TABLE, SET …).
    public let affectedRows: Int?

    public init(columns: [(name: String, typeOID: UInt32)], rows: [[String?]], affectedRows: Int?) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
    }

    /// A result with no columns and no rows.
    static let empty = PostgresResult(columns: [], rows: [], affectedRows: nil)
}

extension PostgresResult {
    /// Copies a successful PGresult out of libpq's memory; the caller still clears it.
    init(reading result: OpaquePointer) {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        columns = (0..<columnCount).map { column in
            let name = PQfname(result, Int32(column)).map { String(cString: $0) } ?? ""
            return (name: name, typeOID: UInt32(PQftype(result, Int32(column))))
        }
        // The hot loop of a large result: each value is decoded from libpq's buffer with its
        // known length (no strlen), into arrays sized up front.
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                values.append(Self.value(result, row, column))
            }
            rows.append(values)
        }
        self.rows = rows
        let tag = PQcmdTuples(result).map { String(cString: $0) } ?? ""
        affectedRows = Int(tag)
    }

    /// One field as text, or nil for NULL.
    private static func value(_ result: OpaquePointer, _ row: Int32, _ column: Int32) -> String? {
        if PQgetisnull(result, row, column) != 0 { return nil }
        guard let bytes = PQgetvalue(result, row, column) else { return nil }
        let length = Int(PQgetlength(result, row, column))
        return UnsafeRawPointer(bytes).withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }
}
