/// The type of an expression, as the checker knows it.
public enum ValueType: Sendable, Equatable, CustomStringConvertible {
    case null, bool, int, money, decimal, date, string, list
    case enumeration(EnumDomain)
    case duration
    /// A date range such as `next 90 days`: only meaningful after `in`.
    case range
    /// Where a to-one relationship leads (`owner`): follow it with `.field`.
    case record(String)
    /// A to-many relationship (`opportunities`).
    case collection(String)

    public init(_ t: FieldType, domain: EnumDomain?) {
        switch t {
        case .string: self = .string
        case .int: self = .int
        case .money: self = .money
        case .decimal: self = .decimal
        case .date: self = .date
        case .bool: self = .bool
        case .stringList: self = .list
        case .enumeration: self = domain.map { .enumeration($0) } ?? .string
        }
    }

    public var isNumeric: Bool {
        switch self {
        case .int, .money, .decimal, .null: true
        default: false
        }
    }

    public var isTextual: Bool {
        switch self {
        case .string, .enumeration, .null: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .money: "money"
        case .decimal: "decimal"
        case .date: "date"
        case .string: "string"
        case .list: "list of string"
        case .enumeration(let d): "enum \(d.name)"
        case .duration: "duration"
        case .range: "date range"
        case .record(let e): "a relationship to \(e)"
        case .collection(let e): "a collection of \(e)"
        }
    }

    /// Whether values of the two types can be compared with `=` and `<`.
    func comparable(with other: ValueType) -> Bool {
        switch (self, other) {
        case (.null, _), (_, .null): return true
        case (.bool, .bool), (.date, .date): return true
        case _ where isNumeric && other.isNumeric: return true
        case _ where isTextual && other.isTextual: return true
        default: return false
        }
    }
}
