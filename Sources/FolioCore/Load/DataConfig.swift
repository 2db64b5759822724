import Foundation

/// The optional `folio.json` of a data directory (SPEC §3).
public struct DataConfig: Sendable {
    public var asOf: Int32?
    public var fiscalYearStart: Int = 1

    public init() {}

    public static func parse(_ bytes: [UInt8], file: String) throws(LoadError) -> DataConfig {
        var config = DataConfig()
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw LoadError(file: file, kind: "bad config", message: "not valid JSON: \(error.localizedDescription)")
        }
        guard let dict = object as? [String: Any] else {
            throw LoadError(file: file, kind: "bad config", message: "expected a JSON object")
        }
        for key in dict.keys where !["as_of", "fiscal_year_start", "entities"].contains(key) {
            throw LoadError(file: file, kind: "bad config", message: "unknown key '\(key)' (expected as_of, fiscal_year_start, entities)")
        }
        if dict["entities"] != nil {
            // Mapping other exports (SPEC §3) is a later step; ignoring the mapping would load the wrong columns.
            throw LoadError(file: file, kind: "bad config", message: "'entities' (mapping other exports onto the model) is not supported yet")
        }
        if let v = dict["as_of"] {
            guard let s = v as? String, let d = Day.parse(s) else {
                throw LoadError(file: file, kind: "bad config", message: "'as_of' must be a date string like \"2026-06-15\"")
            }
            config.asOf = d
        }
        if let v = dict["fiscal_year_start"] {
            guard let n = v as? Int, (1...12).contains(n), !(v is Bool) else {
                throw LoadError(file: file, kind: "bad config", message: "'fiscal_year_start' must be a month number from 1 to 12")
            }
            config.fiscalYearStart = n
        }
        return config
    }
}
