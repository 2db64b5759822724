import Testing
@testable import FolioPostgres

@Suite struct PostgresConnectionTests {}
