/// Turns query text into tokens (SPEC §4, Lexical). Works on UTF-8 bytes; comments run from
/// `#` or `--` to the end of the line.
public struct Lexer {
    let source: [UInt8]
    var position = 0
    var sawNewline = false

    public init(_ text: String) { source = Array(text.utf8) }

    public static func tokenize(_ text: String) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let t = lexer.next()
            tokens.append(t)
            if t.kind == .end { return tokens }
        }
    }

    mutating func next() -> Token {
        skipTrivia()
        let start = position
        let newline = sawNewline
        sawNewline = false
        func make(_ kind: TokenKind) -> Token { Token(kind: kind, start: start, end: position, newlineBefore: newline) }
        guard position < source.count else { return make(.end) }
        let c = source[position]
        position += 1
        switch c {
        case UInt8(ascii: "|"): return make(.pipe)
        case UInt8(ascii: ","): return make(.comma)
        case UInt8(ascii: ";"): return make(.semicolon)
        case UInt8(ascii: "."): return make(.dot)
        case UInt8(ascii: "("): return make(.leftParen)
        case UInt8(ascii: ")"): return make(.rightParen)
        case UInt8(ascii: "["): return make(.leftBracket)
        case UInt8(ascii: "]"): return make(.rightBracket)
        case UInt8(ascii: "+"): return make(.plus)
        case UInt8(ascii: "-"): return make(.minus)
        case UInt8(ascii: "*"): return make(.star)
        case UInt8(ascii: "/"): return make(.slash)
        case UInt8(ascii: "="):
            if peek() == UInt8(ascii: "=") { position += 1; return make(.equalEqual) }
            return make(.equal)
        case UInt8(ascii: "!"):
            if peek() == UInt8(ascii: "=") { position += 1; return make(.notEqual) }
            return make(.error(.unexpectedCharacter))
        case UInt8(ascii: "<"):
            if peek() == UInt8(ascii: "=") { position += 1; return make(.lessEqual) }
            if peek() == UInt8(ascii: ">") { position += 1; return make(.notEqual) }
            return make(.less)
        case UInt8(ascii: ">"):
            if peek() == UInt8(ascii: "=") { position += 1; return make(.greaterEqual) }
            return make(.greater)
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return make(lexString(quote: c))
        case UInt8(ascii: "`"):
            while position < source.count, source[position] != UInt8(ascii: "`"), source[position] != 10 { position += 1 }
            guard position < source.count, source[position] == UInt8(ascii: "`") else { return make(.error(.unterminatedQuotedIdentifier)) }
            position += 1
            return make(position - start == 2 ? .error(.unterminatedQuotedIdentifier) : .quotedIdentifier)
        case UInt8(ascii: "$"):
            guard position < source.count, isIdentifierStart(source[position]) else { return make(.error(.unexpectedCharacter)) }
            while position < source.count, isIdentifierPart(source[position]) { position += 1 }
            return make(.parameter)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return make(lexNumberOrDate(start: start))
        default:
            if isIdentifierStart(c) {
                while position < source.count, isIdentifierPart(source[position]) { position += 1 }
                return make(.identifier)
            }
            // Skip the rest of a multi-byte character so the error spans all of it.
            while position < source.count, source[position] & 0xC0 == 0x80 { position += 1 }
            return make(.error(.unexpectedCharacter))
        }
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        position + offset < source.count ? source[position + offset] : nil
    }

    private mutating func skipTrivia() {
        while position < source.count {
            let c = source[position]
            if c == 10 {
                sawNewline = true
                position += 1
            } else if c == 32 || c == 9 || c == 13 {
                position += 1
            } else if c == UInt8(ascii: "#") || (c == UInt8(ascii: "-") && peek(1) == UInt8(ascii: "-")) {
                while position < source.count, source[position] != 10 { position += 1 }
            } else {
                return
            }
        }
    }

    private mutating func lexString(quote: UInt8) -> TokenKind {
        var bad = false
        while position < source.count {
            let c = source[position]
            if c == quote {
                position += 1
                return bad ? .error(.invalidEscape) : .string
            }
            if c == 10 { break }
            if c == UInt8(ascii: "\\") {
                position += 1
                guard position < source.count else { break }
                let e = source[position]
                if !"\\\"'nt".utf8.contains(e) { bad = true }
            }
            position += 1
        }
        return .error(.unterminatedString)
    }

    /// `42`, `3.5`, `1_000_000`, `250k`, `1.2M`, or a date `2026-06-15`.
    private mutating func lexNumberOrDate(start: Int) -> TokenKind {
        // A date: exactly four digits, '-', two digits, '-', two digits.
        if start + 10 <= source.count,
           (start..<start + 4).allSatisfy({ isDigit(source[$0]) }),
           source[start + 4] == UInt8(ascii: "-"), isDigit(source[start + 5]), isDigit(source[start + 6]),
           source[start + 7] == UInt8(ascii: "-"), isDigit(source[start + 8]), isDigit(source[start + 9]) {
            position = start + 10
            if position < source.count, isIdentifierPart(source[position]) {
                while position < source.count, isIdentifierPart(source[position]) { position += 1 }
                return .error(.malformedDate)
            }
            return .date
        }
        while position < source.count, isDigit(source[position]) || source[position] == UInt8(ascii: "_") { position += 1 }
        if position + 1 < source.count, source[position] == UInt8(ascii: "."), isDigit(source[position + 1]) {
            position += 1
            while position < source.count, isDigit(source[position]) || source[position] == UInt8(ascii: "_") { position += 1 }
        }
        // A scale suffix, only when it ends the word (`250k`, not `250kg`).
        if position < source.count, "kKmMbB".utf8.contains(source[position]),
           position + 1 >= source.count || !isIdentifierPart(source[position + 1]) {
            position += 1
        }
        if position < source.count, isIdentifierPart(source[position]) {
            while position < source.count, isIdentifierPart(source[position]) { position += 1 }
            return .error(.malformedNumber)
        }
        return .number
    }
}

@inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
@inline(__always) func isIdentifierStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
@inline(__always) func isIdentifierPart(_ c: UInt8) -> Bool { isIdentifierStart(c) || isDigit(c) }
