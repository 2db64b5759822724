// Quoting for the rare SQL that cannot take a bind parameter (identifiers, DDL). Prefer
// parameters for values: they need no quoting at all.

extension PostgresConnection {
    /// An identifier as SQL text: `quoteIdentifier("Order \"lines\"")` is `"Order ""lines"""`.
    public static func quoteIdentifier(_ identifier: String) -> String {
        "\"" + identifier.replacingAll("\"", with: "\"\"") + "\""
    }

    /// A string literal as SQL text: `quoteLiteral("O'Neil")` is `'O''Neil'`.
    ///
    /// Text with a backslash becomes an escape string (`E'C:\\temp'`), whose meaning does not
    /// depend on the server's `standard_conforming_strings`.
    public static func quoteLiteral(_ text: String) -> String {
        let quoted = text.replacingAll("'", with: "''")
        guard text.contains("\\") else { return "'" + quoted + "'" }
        return "E'" + quoted.replacingAll("\\", with: "\\\\") + "'"
    }
}

extension String {
    /// The text with every `target` character replaced by `replacement`.
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        result.reserveCapacity(utf8.count + 2)
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
