/// Text as OOXML stores it: characters XML cannot hold are written `_xHHHH_` (`_x000D_` is a
/// carriage return), and a literal `_x` that would look like one is written `_x005F_x`.
///
/// `XLSXText.unescaped("a_x000D_b")` is `"a\rb"`; `XLSXText.escaped("a\u{1}b")` is `"a_x0001_b"`.
enum XLSXText {
    /// The text with `_xHHHH_` escapes decoded; other text unchanged.
    static func unescaped(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "_")) else { return text }
        let units = Array(text.utf16)
        var out: [UInt16] = []
        out.reserveCapacity(units.count)
        var i = 0
        while i < units.count {
            if let code = escape(at: i, in: units) {
                out.append(code)
                i += 7
            } else {
                out.append(units[i])
                i += 1
            }
        }
        // A lone surrogate from a stray escape becomes U+FFFD rather than failing.
        return String(decoding: out, as: UTF16.self)
    }

    /// The text with the characters XML 1.0 forbids (controls other than tab, line feed and
    /// carriage return) and literal `_xHHHH_` sequences escaped, so a reader gets it back exactly.
    static func escaped(_ text: String) -> String {
        let needs = text.unicodeScalars.contains { isForbidden($0) || $0 == "_" || $0 == "\r" }
        guard needs else { return text }
        let units = Array(text.utf16)
        var out = ""
        out.reserveCapacity(units.count)
        var i = 0
        for scalar in text.unicodeScalars {
            defer { i += scalar.utf16.count }
            if isForbidden(scalar) || scalar == "\r" {
                // A bare CR would become a line feed when the XML is read (end-of-line handling).
                out += hex(UInt16(scalar.value))
            } else if scalar == "_", escape(at: i, in: units) != nil {
                out += "_x005F_"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A character XML 1.0 cannot hold: C0 controls except tab and line feed (carriage
    /// return is allowed but not kept), U+FFFE and U+FFFF.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0xFFFE || v == 0xFFFF
    }

    /// The UTF-16 code an `_xHHHH_` escape starting at `i` stands for.
    private static func escape(at i: Int, in units: [UInt16]) -> UInt16? {
        guard i + 6 < units.count, units[i] == 0x5F, units[i + 1] == 0x78, units[i + 6] == 0x5F else { return nil }
        var code: UInt16 = 0
        for k in 2..<6 {
            let u = units[i + k]
            let digit: UInt16
            switch u {
            case 0x30...0x39: digit = u - 0x30
            case 0x41...0x46: digit = u - 0x41 + 10
            case 0x61...0x66: digit = u - 0x61 + 10
            default: return nil
            }
            code = code << 4 | digit
        }
        return code
    }

    private static func hex(_ code: UInt16) -> String {
        let digits = Array("0123456789ABCDEF")
        return "_x" + String((0..<4).map { digits[Int(code >> (12 - 4 * $0)) & 0xF] }) + "_"
    }
}
