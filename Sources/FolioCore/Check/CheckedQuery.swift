/// The checked query: names resolved to columns, literals typed, ranges resolved against
/// `today`. The evaluator only ever sees this.
public struct CheckedPipeline: Sendable {
    /// The source entity's table index in the store.
    public var table: Int
    public var stages: [CheckedStage]
    /// The columns of the result, in order.
    public var columns: [OutputColumn]
    /// Things that run but are probably not what was meant (`select x = 1`).
    public var warnings: [Diagnostic] = []
    /// Where the query's parameters stand (their constants' spans), by name: the SQL
    /// backend sends them as bind parameters.
    public var parameters: [Range<Int>: String] = [:]
}

public struct OutputColumn: Sendable, Equatable {
    public var name: String
    public var type: ValueType
}

public enum CheckedStage: Sendable {
    case filter(TExpr)
    case project([(name: String, expr: TExpr)])
    case sort([CheckedSortKey])
    case limit(Int, offset: Int)
    /// `top N by KEY [per GROUP]`: the first N rows by KEY, of each GROUP when there is one.
    case top(Int, CheckedSortKey, per: TExpr?)
    case count
    /// `chart VALUE [by LABEL]`, the last stage: the rows are unchanged, tables draw them as bars.
    case chart(value: TExpr, label: TExpr?, valueName: String, labelName: String?)
    /// `group by` (with its aggregates; a `count` column when none were given) and `distinct` (none).
    case group(keys: [(name: String, expr: TExpr)], aggregates: [(name: String, aggregate: CheckedAggregate)])
}

/// One aggregate of a group: `sum(amount)`, `count_if(stage = "closed_won")`.
public struct CheckedAggregate: Sendable {
    public var function: Aggregate
    /// The value aggregated (nil for `count()`).
    public var argument: TExpr?
    /// The condition of `count_if` / `sum_if`.
    public var condition: TExpr?
    public var type: ValueType
}

public struct CheckedSortKey: Sendable {
    public var expr: TExpr
    public var descending: Bool
    public var nullsFirst: Bool
}

/// One step along a to-one relationship: in table `table`, follow the key field `field` —
/// to the row it names, or, for `root`, to the top of the hierarchy that key makes.
public struct Hop: Sendable, Equatable {
    public var table: Int
    public var field: Int
    /// `root`: the topmost ancestor along the self-referencing key `field` (the row itself
    /// when it has no parent).
    public var toRoot: Bool = false

    public init(table: Int, field: Int, toRoot: Bool = false) {
        self.table = table
        self.field = field
        self.toRoot = toRoot
    }
}

public struct TExpr: Sendable {
    public indirect enum Kind: Sendable {
        /// A stored field, reached from the row through `hops`.
        case field(hops: [Hop], table: Int, field: Int)
        /// A column of a projected row.
        case column(Int)
        case constant(Value)
        /// Inclusive day range.
        case range(Int32, Int32)
        case duration(Duration)
        case negate(TExpr)
        case not(TExpr)
        /// Two or more conditions, all of which hold: a flat list, however long.
        case and([TExpr])
        /// Two or more conditions, one of which holds.
        case or([TExpr])
        case compare(BinaryOperator, TExpr, TExpr)
        /// `a + b - c`, left to right; each step carries the type of the result so far.
        case arithmetic(TExpr, [CheckedArithmeticStep])
        /// A number read as the expression's numeric type: a branch of `if` or `coalesce`
        /// whose type differs from the result's (an int as a decimal, whole currency units
        /// as money, money as a decimal), so that every value of the expression has one type.
        case convert(TExpr)
        case inList(TExpr, [TExpr], negated: Bool)
        case inRange(TExpr, Int32, Int32, negated: Bool)
        case like(TExpr, TExpr, negated: Bool)
        case between(TExpr, TExpr, TExpr, negated: Bool)
        case isNull(TExpr, negated: Bool)
        case has(TExpr, HasMode, [TExpr], negated: Bool)
        case call(Function, [TExpr])
        /// A to-many relationship of the row (`opportunities`, `account.contacts[role = "champion"]`):
        /// only meaningful inside an aggregate, or mapped with `.field`.
        case collection(CollectionRef)
        /// `coll.field`: the field's values over the collection's rows (a list value on its own).
        case collectionField(CollectionRef, TExpr)
        /// `count(coll)`, `exists(coll)`, `sum(coll.field)`, … over the child rows.
        case collectionAggregate(Aggregate, CollectionRef, TExpr?)
        /// An analytic function over the rows of the result, in their order at that stage;
        /// `id` tells the executor which precomputed column holds its values.
        case analytic(AnalyticFunction, TExpr?, descending: Bool, per: TExpr?, id: Int)
        /// A computed string read as a value of a picklist (null when it is not one), so that
        /// `stage < lower("CLOSED_WON")` orders by the declared stages.
        case toEnum(TExpr, EnumDomain)
    }

    public var kind: Kind
    public var type: ValueType
    public var span: Range<Int>
}

/// One `op operand` of a checked arithmetic chain, and the type of the result after it.
public struct CheckedArithmeticStep: Sendable {
    public var op: BinaryOperator
    public var operand: TExpr
    public var type: ValueType
}

/// Where a collection's rows come from: one or more steps from the row, each following
/// to-one hops and then a to-many relationship (or a hierarchy), keeping the rows that pass
/// the step's filters. `team.opportunities[stage = "closed_won"]` is two steps: a manager's
/// team, then each member's opportunities, filtered. The rows of a collection of collections
/// are distinct: a row reached along two paths counts once.
public struct CollectionRef: Sendable {
    public var steps: [CollectionStep]

    public init(steps: [CollectionStep]) { self.steps = steps }

    /// The entity of the rows the collection ends with.
    public var child: Int { steps[steps.count - 1].child }

    /// The conditions on the rows the collection ends with.
    public var filters: [TExpr] {
        get { steps[steps.count - 1].filters }
        set { steps[steps.count - 1].filters = newValue }
    }

    /// One to-many relationship of the row itself (no hops, no hierarchy): the form the
    /// planner and the fast paths know.
    public var single: CollectionStep? {
        guard steps.count == 1, steps[0].hops.isEmpty, case .children = steps[0].kind else { return nil }
        return steps[0]
    }

    /// Whether two paths may reach the same row, so that rows must be made distinct: a
    /// step after the first that follows a to-one hop, or climbs a hierarchy.
    public var mayRepeat: Bool {
        steps.dropFirst().contains { step in
            if !step.hops.isEmpty { return true }
            if case .ancestors = step.kind { return true }
            return false
        }
    }
}

/// One step of a collection: from the current rows, follow `hops`, then the relationship.
public struct CollectionStep: Sendable {
    public enum Kind: Sendable, Equatable {
        /// The inverse of a foreign key: `opportunities`, `team`, `children`.
        case children(String)
        /// Every row below, along the self-referencing key `field`: children, theirs, ….
        case descendants(field: Int)
        /// Every row above along `field`: the parent, its parent, … up to the top.
        case ancestors(field: Int)
    }

    public var hops: [Hop]
    /// The entity the relationship starts from (after the hops).
    public var parent: Int
    public var kind: Kind
    public var child: Int
    public var filters: [TExpr]

    /// The collection's name as the schema has it (lowercased), for `.children`.
    public var name: String {
        switch kind {
        case .children(let n): n
        case .descendants: "descendants"
        case .ancestors: "ancestors"
        }
    }
}

/// The scalar functions of SPEC §4.
public enum Function: String, Sendable, CaseIterable {
    case lower, upper, length, contains, starts_with, ends_with, coalesce
    case `if`, round, abs, floor, ceil
    case year, quarter, month, day, fiscal_year, fiscal_quarter, start_of, days_since, days_until
}

/// The analytic functions of SPEC §4: they see the rows of the result, not one row.
public enum AnalyticFunction: String, Sendable, CaseIterable {
    case rank, row_number, share, running_sum, previous, next
}

/// Aggregates: recognised so that a misplaced one gets a precise message.
public enum Aggregate: String, Sendable, CaseIterable {
    case count, count_distinct, sum, avg, min, max, median, count_if, sum_if, exists
}
