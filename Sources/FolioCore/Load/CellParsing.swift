import Foundation

/// Conversions from the bytes of one cell to the store's types (SPEC §3).
enum CellParse {
    @inlinable
    static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = b.count
        while lo < hi, b[lo] == 32 || b[lo] == 9 { lo += 1 }
        while hi > lo, b[hi - 1] == 32 || b[hi - 1] == 9 { hi -= 1 }
        if lo == 0 && hi == b.count { return b }
        return UnsafeBufferPointer(rebasing: b[lo..<hi])
    }

    /// A whole number: optional sign, digits, optional `,` or `_` separators.
    static func int(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        if i < b.count, b[i] == 45 || b[i] == 43 {
            negative = b[i] == 45
            i += 1
        }
        guard i < b.count else { return nil }
        var v: Int64 = 0
        var digits = 0
        while i < b.count {
            let c = b[i]
            if c == 44 || c == 95 {
                guard digits > 0 else { return nil }
                i += 1
                continue
            }
            let d = c &- 48
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.subtractingReportingOverflow(Int64(d))  // accumulate negatively: covers Int64.min
            guard !o1, !o2 else { return nil }
            v = a
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        if negative { return v == Column.nullInt ? nil : v }
        let (p, o) = (0 as Int64).subtractingReportingOverflow(v)
        return o ? nil : p
    }

    /// Money in cents: optional sign, optional currency symbol, digits with `,` separators,
    /// up to two decimals (further decimals must be zeros… or are rounded half away from zero).
    static func money(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        func sign() {
            if i < b.count, b[i] == 45 {
                negative.toggle()
                i += 1
            } else if i < b.count, b[i] == 43 {
                i += 1
            }
        }
        sign()
        // A currency symbol: `$`, or any non-ASCII character (€, £, ¥, …), or letters (USD).
        let symbolStart = i
        while i < b.count, b[i] == 36 || b[i] >= 0x80 || (asciiLower(b[i]) >= 97 && asciiLower(b[i]) <= 122) { i += 1 }
        if i > symbolStart {
            while i < b.count, b[i] == 32 { i += 1 }
            sign()
        }
        var whole: Int64 = 0
        var digits = 0
        while i < b.count {
            let c = b[i]
            if c == 44 {
                guard digits > 0 else { return nil }
                i += 1
                continue
            }
            let d = c &- 48
            guard d < 10 else { break }
            let (m, o1) = whole.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            whole = a
            digits += 1
            i += 1
        }
        var cents: Int64 = 0
        if i < b.count, b[i] == 46 {
            i += 1
            var place = 0
            var roundUp = false
            while i < b.count {
                let d = b[i] &- 48
                guard d < 10 else { return nil }
                if place < 2 {
                    cents = cents * 10 + Int64(d)
                    digits += 1
                } else if place == 2 {
                    roundUp = d >= 5
                }
                place += 1
                i += 1
            }
            if place == 1 { cents *= 10 }
            if roundUp { cents += 1 }
        }
        guard digits > 0, i == b.count else { return nil }
        let (w, o1) = whole.multipliedReportingOverflow(by: 100)
        let (t, o2) = w.addingReportingOverflow(cents)
        guard !o1, !o2, t != Column.nullInt else { return nil }
        return negative ? -t : t
    }

    /// A decimal number, with the same currency and separator allowances as money.
    static func decimal(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var text: [UInt8] = []
        text.reserveCapacity(b.count + 1)
        var sawDigit = false
        for c in b {
            switch c {
            case 48...57:
                sawDigit = true
                text.append(c)
            case 43, 45, 46, 101, 69: text.append(c)
            case 44, 95: continue
            case 36: continue
            default:
                if c >= 0x80 { continue }
                return nil
            }
        }
        guard sawDigit else { return nil }
        text.append(0)
        return text.withUnsafeBufferPointer { buf -> Double? in
            guard let base = buf.baseAddress else { return nil }
            return base.withMemoryRebound(to: CChar.self, capacity: buf.count) { cs -> Double? in
                var end: UnsafeMutablePointer<CChar>?
                let v = strtod(cs, &end)
                guard let end, end - UnsafeMutablePointer(mutating: cs) == buf.count - 1, v.isFinite else { return nil }
                return v
            }
        }
    }

    /// `YYYY-MM-DD`, optionally followed by a time (`T…` or ` …`), which is dropped.
    static func date(_ b: UnsafeBufferPointer<UInt8>) -> Int32? {
        if b.count > 10, b[10] == 84 || b[10] == 32 {
            return Day.parse(UnsafeBufferPointer(rebasing: b[0..<10]))
        }
        return Day.parse(b)
    }

    /// `true/false/yes/no/1/0`, any case.
    static func bool(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch b.count {
        case 1:
            if b[0] == 49 { return true }
            if b[0] == 48 { return false }
            let c = asciiLower(b[0])
            if c == 116 || c == 121 { return true }
            if c == 102 || c == 110 { return false }
            return nil
        case 2: return equalsFolded(b, "no") ? false : nil
        case 3: return equalsFolded(b, "yes") ? true : nil
        case 4: return equalsFolded(b, "true") ? true : nil
        case 5: return equalsFolded(b, "false") ? false : nil
        default: return nil
        }
    }

    static func equalsFolded(_ b: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        guard b.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for i in 0..<b.count where asciiLower(b[i]) != p[i] { return false }
        return true
    }

    /// A short, printable rendering of a cell for messages.
    static func quote(_ b: UnsafeBufferPointer<UInt8>) -> String {
        let s = String(decoding: b.prefix(40), as: UTF8.self)
        return "\"" + s + (b.count > 40 ? "…" : "") + "\""
    }
}
