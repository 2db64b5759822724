import Foundation

extension XMLPart {
    /// Why `data` must not go to Foundation's parser, or nil when it may.
    ///
    /// Foundation's parser runs libxml2 in recovery mode and force-unwraps the element and
    /// attribute names it decodes as UTF-8, so a name with bytes that are not UTF-8 (a damaged
    /// part whose checksum still matches, a broken writer) traps instead of failing. The text
    /// is checked first: UTF-8, or UTF-16 with a byte-order mark, as OOXML allows. A DTD is
    /// refused too: OOXML parts never have one, and without one no entity can expand.
    static func unreadableReason(_ data: Data) -> String? {
        data.withUnsafeBytes { raw -> String? in
            let bytes = raw.bindMemory(to: UInt8.self)
            let prolog: [UInt8]
            if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
                let bigEndian = bytes[0] == 0xFE
                let units = stride(from: 2, to: bytes.count - 1, by: 2).lazy.map { i -> UInt16 in
                    let (hi, lo) = bigEndian ? (bytes[i], bytes[i + 1]) : (bytes[i + 1], bytes[i])
                    return UInt16(hi) << 8 | UInt16(lo)
                }
                if bytes.count % 2 != 0 || transcode(units.makeIterator(), from: UTF16.self, to: UTF32.self, stoppingOnError: true, into: { _ in }) {
                    return "is not valid UTF-16 text"
                }
                prolog = units.prefix(prologLimit).map { $0 < 0x80 ? UInt8($0) : 0xFF }
            } else {
                if transcode(bytes.makeIterator(), from: UTF8.self, to: UTF32.self, stoppingOnError: true, into: { _ in }) {
                    return "is not valid UTF-8 text"
                }
                prolog = Array(bytes.prefix(prologLimit))
            }
            return declaresDTD(prolog) ? "declares a DTD (<!DOCTYPE>), which workbook parts never have" : nil
        }
    }

    /// How far into a part its prolog (declaration, comments, a DTD) is looked for.
    private static let prologLimit = 1 << 16

    /// Whether a `<!DOCTYPE` comes before the root element's start tag.
    private static func declaresDTD(_ text: [UInt8]) -> Bool {
        let doctype = Array("<!DOCTYPE".utf8)
        var i = 0
        while i < text.count {
            guard text[i] == UInt8(ascii: "<"), i + 1 < text.count else {
                i += 1
                continue
            }
            let next = text[i + 1]
            if next != UInt8(ascii: "?"), next != UInt8(ascii: "!") { return false }
            if text[i...].starts(with: doctype) { return true }
            i += 1
        }
        return false
    }
}
