/// The optional `folio.json` of a data directory (SPEC §3): the data's own date, the month
/// its fiscal years start, and how its files map onto the model (``Mapping``).
public struct DataConfig: Sendable {
    public var asOf: Int32?
    public var fiscalYearStart: Int = 1
    /// Nil when folio.json maps nothing (folio's own file names and formats).
    public var mapping: Mapping?

    public init() {}

    public static func parse(_ bytes: [UInt8], file: String, schema: Schema = .standard) throws(LoadError) -> DataConfig {
        func mistake(_ path: String, _ message: String) -> LoadError {
            LoadError(file: file, kind: "bad config", message: path.isEmpty ? message : "\(path): \(message)")
        }
        var config = DataConfig()
        let json: JSON
        do throws(JSON.SyntaxError) { json = try JSON.parse(bytes) } catch {
            throw LoadError(file: file, line: error.line, column: error.column, kind: "bad config", message: "not valid JSON: \(error.message)")
        }
        guard case .object(let members) = json else { throw mistake("", "expected a JSON object ({\"as_of\": \"2026-06-15\"}), found \(json.kindName)") }
        for (key, _) in members where !Mapping.topKeys.contains(key) {
            let m = Mapping.unknownKey(key, at: "", among: Mapping.topKeys)
            throw mistake(m.path, m.message)
        }
        if let v = json["as_of"] {
            guard case .string(let s) = v, let d = Day.parse(s) else { throw mistake("as_of", "expected a date string like \"2026-06-15\", found \(v.kindName)") }
            config.asOf = d
        }
        if let v = json["fiscal_year_start"] {
            guard case .number(let n, _) = v, n == n.rounded(), (1...12).contains(n) else {
                throw mistake("fiscal_year_start", "expected a month number from 1 to 12")
            }
            config.fiscalYearStart = Int(n)
        }
        if members.contains(where: { ["entities", "relationships", "date_format", "null_values"].contains($0.0) }) {
            do throws(Mapping.Mistake) { config.mapping = try Mapping.read(members, schema: schema) } catch {
                throw mistake(error.path, error.message)
            }
        }
        return config
    }
}
