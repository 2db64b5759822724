/// How values print: plain (CSV, TSV, JSON) or for people (tables, with thousands grouped).
public enum ValueFormat {
    /// Plain text: ISO dates, plain numbers, money with at most two decimals, lists `;`-joined, null empty.
    public static func plain(_ v: Value) -> String {
        switch v {
        case .null: ""
        case .bool(let b): b ? "true" : "false"
        case .int(let n): String(n)
        case .money(let c): money(c, grouped: false)
        case .decimal(let d): decimal(d, grouped: false, forTable: false)
        case .date(let d): Day.format(d)
        case .string(let s): s
        case .enumeration(_, let l): l
        case .list(let items): items.joined(separator: ";")
        }
    }

    /// For tables: thousands grouped (when `grouped`), decimals to at most four places.
    static func human(_ v: Value, grouped: Bool = true) -> String {
        switch v {
        case .null: "null"
        case .int(let n): grouped ? group(String(n)) : String(n)
        case .money(let c): money(c, grouped: grouped)
        case .decimal(let d): decimal(d, grouped: grouped, forTable: true)
        default: plain(v)
        }
    }

    /// Whether a column's numbers are grouped: only when one of them has five or more
    /// whole digits, so that years (2026) and small counts stay as they are, and a column
    /// is grouped all alike.
    static func wantsGrouping(_ values: [Value]) -> Bool {
        values.contains { v in
            switch v {
            case .int(let n): n.magnitude >= 10_000
            case .money(let c): c.magnitude >= 1_000_000
            case .decimal(let d): Swift.abs(d) >= 10_000
            default: false
            }
        }
    }

    /// `1250000` / `1250000.50`; grouped `1,250,000.50`.
    static func money(_ cents: Int64, grouped: Bool) -> String {
        let negative = cents < 0
        let magnitude = cents.magnitude
        let whole = String(magnitude / 100)
        let frac = magnitude % 100
        var s = grouped ? group(whole) : whole
        if frac != 0 { s += "." + (frac < 10 ? "0" : "") + String(frac) }
        return negative ? "-" + s : s
    }

    /// Plain: the shortest text that reads back as the same number. For tables: at most four decimals.
    static func decimal(_ d: Double, grouped: Bool, forTable: Bool) -> String {
        guard d.isFinite else { return d.isNaN ? "" : (d > 0 ? "inf" : "-inf") }
        if !forTable {
            if d == d.rounded(), Swift.abs(d) < 1e15 { return String(Int64(d)) }
            return String(d)
        }
        let rounded = (d * 10_000).rounded() / 10_000
        guard Swift.abs(rounded) < 1e14 else { return String(d) }
        let negative = rounded < 0
        let scaled = Int64((Swift.abs(rounded) * 10_000).rounded())
        var s = String(scaled / 10_000)
        if grouped { s = group(s) }
        var frac = String(scaled % 10_000)
        if frac != "0" {
            frac = String(repeating: "0", count: 4 - frac.count) + frac
            while frac.hasSuffix("0") { frac.removeLast() }
            s += "." + frac
        }
        return negative && scaled != 0 ? "-" + s : s
    }

    public static func group(_ digits: String) -> String {
        var chars = Array(digits)
        var sign = ""
        if chars.first == "-" {
            sign = "-"
            chars.removeFirst()
        }
        guard chars.count > 3 else { return sign + String(chars) }
        var out = ""
        for (i, c) in chars.enumerated() {
            if i > 0, (chars.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return sign + out
    }

    /// Terminal columns a string takes: wide East Asian characters count two.
    static func width(_ s: String) -> Int {
        var w = 0
        for ch in s { w += width(ch) }
        return w
    }

    /// Terminal columns a character takes: 2 for East Asian wide characters and emoji.
    static func width(_ ch: Character) -> Int {
        guard let scalar = ch.unicodeScalars.first else { return 0 }
        let v = scalar.value
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
        return wide ? 2 : 1
    }

    /// `s` cut to at most `limit` columns, ending in `…` when cut.
    static func truncate(_ s: String, to limit: Int) -> String {
        guard width(s) > limit else { return s }
        var out = ""
        var w = 0
        for ch in s {
            let cw = width(ch)
            if w + cw > limit - 1 { break }
            out.append(ch)
            w += cw
        }
        return out + "…"
    }
}
