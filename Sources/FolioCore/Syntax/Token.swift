/// A token: a kind and the byte offsets of its text in the source. Keywords are contextual
/// (`date`, `type` and `count` are field names as well), so the lexer produces identifiers
/// and the parser asks `isKeyword`.
public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var start: Int
    public var end: Int
    /// True when a line break separates this token from the previous one.
    public var newlineBefore: Bool

    public var span: Range<Int> { start..<end }
}

public enum TokenKind: Sendable, Equatable {
    // Names and literals.
    case identifier
    /// `` `Annual Revenue` ``
    case quotedIdentifier
    case string
    case number
    /// `2026-06-15`
    case date
    /// `$name`
    case parameter
    // Punctuation.
    case pipe, comma, semicolon, dot, leftParen, rightParen, leftBracket, rightBracket
    // Operators.
    case plus, minus, star, slash
    case equal, equalEqual, notEqual, less, lessEqual, greater, greaterEqual
    /// A lexical mistake, reported by the parser (so one mistake gives one message).
    case error(LexError)
    case end
}

public enum LexError: Sendable, Equatable {
    case unterminatedString
    case unterminatedQuotedIdentifier
    case invalidEscape
    case unexpectedCharacter
    case malformedNumber
    case malformedDate
}
