/// A problem in a data file, located by file, line and column (1-based; column counts characters).
public struct LoadError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String
    /// The kind, for `--lenient` summaries ("bad date", "dangling key", …).
    public var kind: String

    public init(file: String, line: Int? = nil, column: Int? = nil, kind: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.kind = kind
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return "\(place): error: \(message)"
    }
}

/// What a lenient load skipped: counts per kind, with the first example of each.
public struct SkipReport: Sendable {
    public var counts: [String: Int] = [:]
    public var examples: [String: LoadError] = [:]
    public var order: [String] = []

    public init() {}

    public var total: Int { counts.values.reduce(0, +) }

    public mutating func add(_ e: LoadError) {
        let key = e.kind
        if counts[key] == nil {
            order.append(key)
            examples[key] = e
        }
        counts[key, default: 0] += 1
    }

    public mutating func merge(_ other: SkipReport) {
        for k in other.order {
            if counts[k] == nil {
                order.append(k)
                examples[k] = other.examples[k]
            }
            counts[k, default: 0] += other.counts[k] ?? 0
        }
    }

    /// Kinds whose rows are kept with the bad value nulled rather than skipped.
    static let nulledKinds: Set<String> = ["dangling key", "cycle"]

    /// `skipped 3 bad rows: 2 bad date (first: accounts.csv:4:…); set 1 dangling key to null (first: …)`.
    public var summary: String {
        func first(_ k: String) -> String { "(first: \(examples[k].map { $0.description } ?? ""))" }
        let skippedKinds = order.filter { !Self.nulledKinds.contains($0) }
        let skippedRows = skippedKinds.reduce(0) { $0 + (counts[$1] ?? 0) }
        var parts: [String] = []
        if skippedRows > 0 {
            parts.append("skipped \(skippedRows) bad row\(skippedRows == 1 ? "" : "s"): "
                + skippedKinds.map { "\(counts[$0] ?? 0) \($0) \(first($0))" }.joined(separator: "; "))
        }
        for k in order where Self.nulledKinds.contains(k) {
            let n = counts[k] ?? 0
            if k == "cycle" {
                parts.append("broke \(n) cycle\(n == 1 ? "" : "s") at the row read last, whose key is now null \(first(k))")
            } else {
                parts.append("set \(n) \(k)\(n == 1 ? "" : "s") to null \(first(k))")
            }
        }
        return parts.joined(separator: "; ")
    }
}
