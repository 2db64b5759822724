/// The syntax tree: what the parser read, with a byte span on every node. Names are not
/// resolved here; the checker does that.
public struct Script: Sendable {
    public var statements: [Statement]
}

public struct Statement: Sendable {
    public enum Kind: Sendable {
        case query(Pipeline)
        /// `let NAME = pipeline`
        case define(name: Name, Pipeline)
        /// `explain [analyze] pipeline`
        case explain(Pipeline, analyze: Bool)
    }

    public var kind: Kind
    public var span: Range<Int>
}

public struct Name: Sendable, Equatable {
    public var text: String
    public var span: Range<Int>
}

public struct Pipeline: Sendable {
    public var source: Name
    public var stages: [Stage]
    public var span: Range<Int>
}

public struct Stage: Sendable {
    public enum Kind: Sendable {
        case `where`(Expr)
        case select([SelectItem])
        case sort([SortKey])
        case limit(Expr, offset: Expr?)
        case top(Expr, by: Expr, descending: Bool, per: Expr?)
        case groupBy([SelectItem], aggregate: [SelectItem]?)
        case distinct([SelectItem])
        case count
        case chart(Expr, by: Expr?)
    }

    public var kind: Kind
    /// The stage's keyword(s), for messages about the stage as a whole.
    public var keywordSpan: Range<Int>
    public var span: Range<Int>

    public var name: String {
        switch kind {
        case .where: "where"
        case .select: "select"
        case .sort: "sort"
        case .limit: "limit"
        case .top: "top"
        case .groupBy: "group by"
        case .distinct: "distinct"
        case .count: "count"
        case .chart: "chart"
        }
    }
}

public enum SelectItem: Sendable {
    case star(Range<Int>)
    case expr(Expr, alias: Name?)
}

public struct SortKey: Sendable {
    public var expr: Expr
    public var descending: Bool
    /// nil: nulls last (the default, in either direction).
    public var nullsFirst: Bool?
}

public struct Expr: Sendable {
    public indirect enum Kind: Sendable {
        case name(String)
        /// `base.field`
        case member(Expr, Name)
        /// `collection[condition]`
        case filter(Expr, Expr)
        case call(Name, [Expr])
        /// An analytic function over the rows of the result: `rank(arr desc per region)`,
        /// `share(sum(arr))`, `previous(sum(amount))`, `row_number()`.
        case analytic(Name, Expr?, descending: Bool, per: Expr?)
        case literal(Literal)
        case duration(Duration)
        case today
        case range(DateRange)
        case parameter(String)
        case negate(Expr)
        case not(Expr)
        /// A comparison: `=`, `!=`, `<`, `<=`, `>`, `>=` (comparisons do not chain).
        case binary(BinaryOperator, Expr, Expr)
        /// `a and b and …`: two or more terms, a flat list however long the chain.
        case and([Expr])
        /// `a or b or …`: two or more terms.
        case or([Expr])
        /// `a + b - c`, `a * b / c`: operators of one precedence applied left to right, as a
        /// flat list (a chain of 100,000 terms is one node, never a 100,000-deep tree).
        case arithmetic(Expr, [ArithmeticStep])
        /// `x [not] in (a, b)` or `x [not] in RANGE`
        case inList(Expr, [Expr], negated: Bool)
        case inRange(Expr, Expr, negated: Bool)
        case like(Expr, Expr, negated: Bool)
        case between(Expr, Expr, Expr, negated: Bool)
        case isNull(Expr, negated: Bool)
        case has(Expr, HasMode, [Expr], negated: Bool)
    }

    public var kind: Kind
    public var span: Range<Int>
}

/// One `op operand` of an arithmetic chain.
public struct ArithmeticStep: Sendable {
    public var op: BinaryOperator
    public var operand: Expr
}

public enum Literal: Sendable, Equatable {
    case int(Int64)
    case decimal(Double)
    case string(String)
    case date(Int32)
    case bool(Bool)
    case null
}

public enum HasMode: Sendable, Equatable { case one, any, all }

public enum BinaryOperator: String, Sendable, Equatable {
    case or, and
    case equal = "=", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case add = "+", subtract = "-", multiply = "*", divide = "/"

    public var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: 4
        case .add, .subtract: 5
        case .multiply, .divide: 6
        }
    }

    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: true
        default: false
        }
    }
}

/// `this month`, `next fiscal quarter`, `last 30 days`.
public struct DateRange: Sendable, Equatable {
    public enum Relation: String, Sendable { case this, last, next }
    public var relation: Relation
    /// `last N days`; nil for a calendar period.
    public var count: Int?
    public var unit: PeriodUnit
    public var fiscal: Bool
}
