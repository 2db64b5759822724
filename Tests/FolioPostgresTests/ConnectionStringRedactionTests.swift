import Testing
@testable import FolioPostgres

@Suite struct ConnectionStringRedactionTests {
    @Test(arguments: [
        ("postgresql://folio:Sup3r-Secret@db.internal:5432/crm",
         "postgresql://folio:***@db.internal:5432/crm"),
        ("postgres://folio:p%40ss@h1:5432,h2:5433/crm?sslmode=require",
         "postgres://folio:***@h1:5432,h2:5433/crm?sslmode=require"),
        ("postgresql://folio@db/crm?password=Sup3r-Secret&application_name=x",
         "postgresql://folio@db/crm?password=***&application_name=x"),
        ("postgresql://db/crm?pass%77ord=Sup3r-Secret", "postgresql://db/crm?pass%77ord=***"),
        ("postgresql://folio@db.internal/crm", "postgresql://folio@db.internal/crm"),
        ("postgresql:///crm?host=/tmp/pg", "postgresql:///crm?host=/tmp/pg"),
    ])
    func urlsLoseTheirPassword(url: String, redacted: String) {
        #expect(redactingPassword(in: url) == redacted)
    }

    @Test(arguments: [
        ("host=db password=Sup3r-Secret dbname=crm", "host=db password=*** dbname=crm"),
        ("host=db password = 'Sup3r Secret' dbname=crm", "host=db password = *** dbname=crm"),
        (#"password='it\'s secret' host=db"#, "password=*** host=db"),
        ("host=/tmp/pg dbname=folio user=folio-ci", "host=/tmp/pg dbname=folio user=folio-ci"),
        ("", ""),
        ("crm", "crm"),
    ])
    func keywordStringsLoseTheirPassword(conninfo: String, redacted: String) {
        #expect(redactingPassword(in: conninfo) == redacted)
    }

    @Test func unreadableStringsAreNotEchoedAtAll() {
        #expect(redactingPassword(in: "host=db password='Sup3r Secret") == "")
        #expect(redactingPassword(in: "host=db Sup3r-Secret") == "")
    }

    @Test func libpqsReadingOfThePasswordIsFound() {
        #expect(password(in: "host=db password='Sup3r Secret'") == "Sup3r Secret")
        #expect(password(in: "postgresql://u:p%40ss@db/crm") == "p@ss")
        #expect(password(in: "host=db") == nil)
    }

    /// Needs no server: nothing listens on port 1, so libpq fails at once.
    @Test(arguments: [
        "postgresql://folio:Sup3r-Secret@127.0.0.1:1/folio",
        "postgresql://folio@127.0.0.1:1/folio?password=Sup3r-Secret",
        "host=127.0.0.1 port=1 user=folio password='Sup3r-Secret' dbname=folio",
    ])
    func aFailedConnectNeverShowsThePassword(conninfo: String) {
        let kind = expectPostgresError { _ = try PostgresConnection(conninfo) }
        guard case .connect(let message) = kind else {
            Issue.record("expected .connect, got \(String(describing: kind))")
            return
        }
        let description = PostgresError(.connect(message)).description
        #expect(!description.contains("Sup3r-Secret"))
        #expect(description.hasPrefix("could not connect: "))
        #expect(description.contains("127.0.0.1"))
        #expect(!description.contains("\n"))
    }
}
