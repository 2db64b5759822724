import Testing
@testable import FolioCore

@Suite struct LexerTests {
    func kinds(_ text: String) -> [TokenKind] { Lexer.tokenize(text).map(\.kind) }

    func texts(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return Lexer.tokenize(text).dropLast().map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }
    }

    @Test func punctuationAndOperators() {
        #expect(kinds("| , ; . ( ) [ ] + - * / = == != <> < <= > >=") == [
            .pipe, .comma, .semicolon, .dot, .leftParen, .rightParen, .leftBracket, .rightBracket,
            .plus, .minus, .star, .slash, .equal, .equalEqual, .notEqual, .notEqual, .less, .lessEqual,
            .greater, .greaterEqual, .end,
        ])
    }

    @Test func numbersWithSuffixesAndSeparators() {
        #expect(texts("42 3.5 1_000_000 250k 1.2M 7b") == ["42", "3.5", "1_000_000", "250k", "1.2M", "7b"])
        #expect(kinds("250k") == [.number, .end])
        #expect(kinds("250kg") == [.error(.malformedNumber), .end])
    }

    @Test func datesAreOneToken() {
        #expect(kinds("2026-06-15") == [.date, .end])
        #expect(kinds("2026-06-15x") == [.error(.malformedDate), .end])
        // Not a date: arithmetic.
        #expect(kinds("2026 - 06") == [.number, .minus, .number, .end])
    }

    @Test func stringsAndEscapes() {
        #expect(kinds(#""a\"b" 'c\'d'"#) == [.string, .string, .end])
        #expect(kinds(#""open"#) == [.error(.unterminatedString), .end])
        #expect(kinds(#""bad \q""#) == [.error(.invalidEscape), .end])
    }

    @Test func quotedIdentifiersAndParameters() {
        #expect(kinds("`Annual Revenue` $region") == [.quotedIdentifier, .parameter, .end])
        #expect(kinds("`open") == [.error(.unterminatedQuotedIdentifier), .end])
        #expect(kinds("$ x") == [.error(.unexpectedCharacter), .identifier, .end])
    }

    @Test func commentsAndNewlines() {
        let tokens = Lexer.tokenize("accounts # a comment\n| count -- another\n")
        #expect(tokens.map(\.kind) == [.identifier, .pipe, .identifier, .end])
        #expect(tokens[1].newlineBefore)
        #expect(!tokens[2].newlineBefore)
    }

    @Test func spansAreByteOffsets() {
        let tokens = Lexer.tokenize("name = \"Müller\"")
        #expect(tokens[2].start == 7)
        #expect(tokens[2].end == 7 + "\"Müller\"".utf8.count)
    }

    @Test func unexpectedNonASCIICharacterIsOneToken() {
        let tokens = Lexer.tokenize("a € b")
        #expect(tokens.map(\.kind) == [.identifier, .error(.unexpectedCharacter), .identifier, .end])
        #expect(tokens[1].end - tokens[1].start == 3)
    }
}
