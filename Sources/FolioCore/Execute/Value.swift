import Foundation

/// One value in a result row or an expression's result.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    /// Cents.
    case money(Int64)
    case decimal(Double)
    case date(Int32)
    case string(String)
    /// A picklist value: its code in the column's domain (for ordering) and its label.
    case enumeration(Int32, String)
    case list([String])

    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The value as a Double, for mixed numeric arithmetic and comparison (money in currency units).
    var asDouble: Double? {
        switch self {
        case .int(let v): Double(v)
        case .money(let c): Double(c) / 100
        case .decimal(let d): d
        default: nil
        }
    }

    /// A number as another numeric type: an int as a decimal or as money (whole currency
    /// units), money as a decimal; null when it does not fit. Other values are unchanged.
    static func converted(_ v: Value, to type: ValueType) -> Value {
        switch (v, type) {
        case (.int(let n), .decimal): return .decimal(Double(n))
        case (.int(let n), .money):
            let (c, o) = n.multipliedReportingOverflow(by: 100)
            return o || c == .min ? .null : .money(c)
        case (.money(let c), .decimal): return .decimal(Double(c) / 100)
        case (.decimal(let d), .money):
            let c = (d * 100).rounded(.toNearestOrAwayFromZero)
            return Swift.abs(c) < 9.2e18 ? .money(Int64(c)) : .null
        case (.decimal(let d), .int):
            return d == d.rounded() && Swift.abs(d) < 9.2e18 ? .int(Int64(d)) : .null
        default: return v
        }
    }

    var text: String? {
        switch self {
        case .string(let s): s
        case .enumeration(_, let l): l
        default: nil
        }
    }

    /// Equality with SPEC §4's rules: null equals null; strings case-insensitively; numbers by value.
    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.null, _), (_, .null): return false
        default: return compare(a, b) == 0
        }
    }

    /// Ordering for non-null values of comparable types (nil when they cannot be compared).
    static func compare(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.int(let x), .int(let y)), (.money(let x), .money(let y)):
            return x < y ? -1 : (x > y ? 1 : 0)
        case (.int(let x), .money(let y)):
            let (c, o) = x.multipliedReportingOverflow(by: 100)
            if o { return x < 0 ? -1 : 1 }
            return c < y ? -1 : (c > y ? 1 : 0)
        case (.money, .int):
            return compare(b, a).map { -$0 }
        case (.date(let x), .date(let y)):
            return x < y ? -1 : (x > y ? 1 : 0)
        case (.bool(let x), .bool(let y)):
            return x == y ? 0 : (x ? 1 : -1)
        case (.enumeration(let x, let lx), .enumeration(let y, let ly)):
            if x == y { return 0 }
            return foldedEqual(lx, ly) ? 0 : (x < y ? -1 : 1)
        case (.string(let x), .string(let y)):
            return compareFolded(x, y)
        case (.enumeration(_, let l), .string(let s)):
            return foldedEqual(l, s) ? 0 : compareFolded(l, s)
        case (.string(let s), .enumeration(_, let l)):
            return foldedEqual(l, s) ? 0 : compareFolded(s, l)
        default:
            if let x = a.asDouble, let y = b.asDouble { return x < y ? -1 : (x > y ? 1 : 0) }
            return nil
        }
    }
}

/// Case-insensitive comparison: ASCII folded byte by byte, with full Unicode lowercasing
/// only when non-ASCII bytes differ. Then both sides are lowered and put in composed form
/// (NFC), so "É", "é" and "e" + U+0301 are equal, and compared by code point. (Comparing
/// the lowered Strings with `<` and `>` is not enough: for "e\u{301}" and "ék" both are
/// false, which made them "equal".)
func compareFolded(_ a: String, _ b: String) -> Int {
    var a = a, b = b
    let fast: Int? = a.withUTF8 { x in
        b.withUTF8 { y in compareFoldedBytes(x, y) }
    }
    if let fast { return fast }
    let x = a.lowercased().precomposedStringWithCanonicalMapping.utf8, y = b.lowercased().precomposedStringWithCanonicalMapping.utf8
    if x.elementsEqual(y) { return 0 }
    return x.lexicographicallyPrecedes(y) ? -1 : 1
}

/// nil when a non-ASCII difference needs Unicode case folding.
@inlinable
func compareFoldedBytes(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Int? {
    let n = min(x.count, y.count)
    var i = 0
    while i < n {
        let a = x[i], b = y[i]
        if a != b {
            if a >= 0x80 || b >= 0x80 { return nil }
            let la = asciiLower(a), lb = asciiLower(b)
            if la != lb { return la < lb ? -1 : 1 }
        }
        i += 1
    }
    return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
}

func foldedEqual(_ a: String, _ b: String) -> Bool { compareFolded(a, b) == 0 }

/// The text two strings share exactly when ``compareFolded(_:_:)`` calls them equal: ASCII
/// lowered, else lowered and in composed form (NFC). For hashing strings as `=` compares them.
func foldedKey(_ s: String) -> String {
    if s.utf8.allSatisfy({ $0 < 0x80 }) { return String(decoding: s.utf8.map(asciiLower), as: UTF8.self) }
    return s.lowercased().precomposedStringWithCanonicalMapping
}
