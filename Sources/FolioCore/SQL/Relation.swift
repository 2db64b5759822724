/// The relational form of a checked query, between it and SQL (PRQL's RQ): a chain of
/// operators over rows, each with the checked expressions it evaluates. The checked query's
/// stages map onto it one for one; `top … per` is its own operator (it needs a window), a
/// `chart` is dropped (it only draws). ``SQLCompiler`` then cuts the chain into SELECTs
/// wherever an operator cannot follow the one before in SQL's clause order.
///
/// ```
/// accounts | where health < 50 | group by region aggregate sum(arr) | where sum(arr) > 1m
/// scan(accounts) → filter(health < 50) → aggregate(region; sum(arr)) → filter(sum(arr) > 1m)
/// ```
public indirect enum Relation: Sendable {
    case scan(table: Int)
    case filter(Relation, TExpr)
    case project(Relation, [(name: String, expr: TExpr)])
    case sort(Relation, [CheckedSortKey])
    case take(Relation, limit: Int, offset: Int)
    /// The first `limit` rows of each group of `per` by `key` (`top N by KEY per GROUP`).
    case topPer(Relation, limit: Int, key: CheckedSortKey, per: TExpr)
    case aggregate(Relation, keys: [(name: String, expr: TExpr)], aggregates: [(name: String, aggregate: CheckedAggregate)])
    case count(Relation)

    /// The relational form of a checked pipeline.
    public init(_ p: CheckedPipeline) {
        var r = Relation.scan(table: p.table)
        for stage in p.stages {
            switch stage {
            case .filter(let e): r = .filter(r, e)
            case .project(let items): r = .project(r, items)
            case .sort(let keys): r = .sort(r, keys)
            case .limit(let n, let offset): r = .take(r, limit: n, offset: offset)
            case .top(let n, let key, let per):
                if let per {
                    r = .topPer(r, limit: n, key: key, per: per)
                } else {
                    r = .take(.sort(r, [key]), limit: n, offset: 0)
                }
            case .group(let keys, let aggregates): r = .aggregate(r, keys: keys, aggregates: aggregates)
            case .count: r = .count(r)
            case .chart: break
            }
        }
        self = r
    }

    /// The operators from the scan on, first to last (walked without recursion).
    public var chain: [Relation] {
        var out: [Relation] = []
        var r: Relation? = self
        while let current = r {
            out.append(current)
            r = current.input
        }
        return out.reversed()
    }

    /// The relation an operator reads.
    public var input: Relation? {
        switch self {
        case .scan: nil
        case .filter(let r, _), .project(let r, _), .sort(let r, _), .take(let r, _, _), .topPer(let r, _, _, _),
             .aggregate(let r, _, _), .count(let r): r
        }
    }

    /// The operator's name, for tests and explain.
    public var operatorName: String {
        switch self {
        case .scan: "scan"
        case .filter: "filter"
        case .project: "project"
        case .sort: "sort"
        case .take: "take"
        case .topPer: "top per"
        case .aggregate: "aggregate"
        case .count: "count"
        }
    }
}
