import Testing
@testable import FolioCore

/// `CSVReader` against a plain reference parser, on random records: short and long unquoted
/// fields (so that field ends fall anywhere in and across the 64-byte masks), quoted fields
/// with delimiters, doubled quotes and newlines, LF and CRLF endings, blank lines.
@Suite struct CSVReaderTests {
    /// RFC 4180, one byte at a time; returns records of fields and the line each starts on.
    static func reference(_ text: [UInt8]) -> [(line: Int, fields: [[UInt8]])] {
        var records: [(Int, [[UInt8]])] = []
        var i = 0, line = 1
        let n = text.count
        while i < n {
            while i < n, text[i] == 10 || text[i] == 13 {
                if text[i] == 10 { line += 1 }
                i += 1
            }
            if i >= n { break }
            let start = line
            var fields: [[UInt8]] = []
            while true {
                var field: [UInt8] = []
                if i < n, text[i] == 34 {
                    i += 1
                    while true {
                        if text[i] == 34 {
                            if i + 1 < n, text[i + 1] == 34 { field.append(34); i += 2; continue }
                            i += 1
                            break
                        }
                        if text[i] == 10 { line += 1 }
                        field.append(text[i])
                        i += 1
                    }
                } else {
                    while i < n, text[i] != 44, text[i] != 10, text[i] != 13 { field.append(text[i]); i += 1 }
                }
                fields.append(field)
                if i < n, text[i] == 44 { i += 1; continue }
                if i < n, text[i] == 13 { i += 1 }
                if i < n, text[i] == 10 { i += 1; line += 1 }
                break
            }
            records.append((start, fields))
        }
        return records
    }

    @Test func matchesTheReferenceParser() throws {
        var rng = RobustnessTests.SplitMix(state: 64)
        let plain = Array("abcdefghij0123456789 .-_é".utf8)
        for round in 0..<300 {
            var text: [UInt8] = []
            for _ in 0..<Int(rng.next() % 40) {
                if rng.next() % 10 == 0 { text += rng.next() % 2 == 0 ? [10] : [13, 10] }  // a blank line
                for f in 0..<Int(1 + rng.next() % 8) {
                    if f > 0 { text.append(44) }
                    let length = rng.next() % 5 == 0 ? Int(rng.next() % 200) : Int(rng.next() % 12)
                    if rng.next() % 6 == 0 {
                        text.append(34)
                        for _ in 0..<length {
                            switch rng.next() % 12 {
                            case 0: text += [34, 34]
                            case 1: text.append(44)
                            case 2: text.append(10)
                            default: text.append(rng.pick(plain))
                            }
                        }
                        text.append(34)
                    } else {
                        for _ in 0..<length { text.append(rng.pick(plain)) }
                    }
                }
                text += rng.next() % 3 == 0 ? [13, 10] : [10]
            }
            if round % 2 == 1, text.last == 10 { text.removeLast() }  // no newline at the end
            let expected = Self.reference(text)
            var got: [(Int, [[UInt8]])] = []
            try text.withUnsafeBufferPointer { buffer throws(CSVReader.Problem) in
                var reader = CSVReader(bytes: buffer)
                while try reader.next() {
                    got.append((reader.recordLine, (0..<reader.fieldCount).map { Array(reader.field($0)) }))
                }
            }
            #expect(got.count == expected.count, "round \(round)")
            for (g, e) in zip(got, expected) {
                #expect(g.0 == e.line && g.1 == e.fields, "round \(round): line \(e.line)")
            }
        }
    }
}
