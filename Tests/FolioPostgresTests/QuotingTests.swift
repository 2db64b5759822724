import Testing
@testable import FolioPostgres

@Suite struct QuotingTests {
    @Test func identifiersAreDoubleQuotedWithQuotesDoubled() {
        #expect(PostgresConnection.quoteIdentifier("account") == "\"account\"")
        #expect(PostgresConnection.quoteIdentifier("Order \"lines\"") == "\"Order \"\"lines\"\"\"")
        #expect(PostgresConnection.quoteIdentifier("") == "\"\"")
        #expect(PostgresConnection.quoteIdentifier("Zürich") == "\"Zürich\"")
    }

    @Test func literalsDoubleTheirSingleQuotes() {
        #expect(PostgresConnection.quoteLiteral("EMEA") == "'EMEA'")
        #expect(PostgresConnection.quoteLiteral("O'Neil") == "'O''Neil'")
        #expect(PostgresConnection.quoteLiteral("'; drop table account; --") == "'''; drop table account; --'")
        #expect(PostgresConnection.quoteLiteral("") == "''")
    }

    @Test func literalsWithBackslashesAreEscapeStrings() {
        #expect(PostgresConnection.quoteLiteral(#"C:\temp"#) == #"E'C:\\temp'"#)
        #expect(PostgresConnection.quoteLiteral(#"it's \n"#) == #"E'it''s \\n'"#)
    }
}
