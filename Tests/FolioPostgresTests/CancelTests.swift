import Foundation
import Testing
@testable import FolioPostgres

extension PostgresServerTests {
    @Suite struct Cancel {
        @Test func isCancelledStopsALongStatement() throws {
            guard let connection = try connectToTestServer() else { return }
            let clock = ContinuousClock()
            let start = clock.now
            let kind = expectPostgresError {
                _ = try connection.query("select pg_sleep(10)", isCancelled: { clock.now - start > .milliseconds(50) })
            }
            let elapsed = clock.now - start
            print("isCancelled after 50 ms: the statement stopped after \(elapsed)")
            #expect(kind == .cancelled)
            #expect(elapsed < .milliseconds(500))
            #expect(connection.isConnected)
            #expect(try scalar(connection, "select 1") == "1")
        }

        @Test func cancelFromAnotherThreadStopsAStatement() throws {
            guard let connection = try connectToTestServer() else { return }
            let clock = ContinuousClock()
            let start = clock.now
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 0.05)
                connection.cancel()
            }
            let kind = expectPostgresError { _ = try connection.query("select pg_sleep(10)") }
            let elapsed = clock.now - start
            print("cancel() after 50 ms: the statement stopped after \(elapsed)")
            #expect(kind == .cancelled)
            #expect(elapsed < .milliseconds(500))
            #expect(try scalar(connection, "select 1") == "1")
        }

        @Test func cancelStopsExecuteToo() throws {
            guard let connection = try connectToTestServer() else { return }
            let clock = ContinuousClock()
            let start = clock.now
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 0.05)
                connection.cancel()
            }
            let kind = expectPostgresError { try connection.execute("select pg_sleep(10)") }
            #expect(kind == .cancelled)
            #expect(clock.now - start < .milliseconds(500))
            #expect(try scalar(connection, "select 1") == "1")
        }

        @Test func cancelWhileIdleIsHarmless() throws {
            guard let connection = try connectToTestServer() else { return }
            connection.cancel()
            #expect(try scalar(connection, "select 1") == "1")
            connection.cancel()
            #expect(try scalar(connection, "select 2") == "2")
        }

        @Test func aStatementAlreadyCancelledIsNotSent() throws {
            guard let connection = try connectToTestServer() else { return }
            try connection.execute("create temp table untouched (id int)")
            let kind = expectPostgresError {
                _ = try connection.query("insert into untouched values (1)", isCancelled: { true })
            }
            #expect(kind == .cancelled)
            #expect(try scalar(connection, "select count(*) from untouched") == "0")
        }
    }

    @Suite struct LostConnection {
        @Test func aTerminatedSessionIsLostThenReset() throws {
            guard let connection = try connectToTestServer(), let other = try connectToTestServer() else { return }
            let pid = try #require(try scalar(connection, "select pg_backend_pid()"))
            // The timeout (PostgreSQL 14+) waits until the backend has gone.
            #expect(try scalar(other, "select pg_terminate_backend($1::int, 5000)", [pid]) == "t")
            let clock = ContinuousClock()
            let start = clock.now
            let kind = expectPostgresError { _ = try connection.query("select 1") }
            print("a terminated session was found lost after \(clock.now - start)")
            guard case .connectionLost(let message) = kind else {
                Issue.record("expected .connectionLost, got \(String(describing: kind))")
                return
            }
            #expect(!message.isEmpty)
            #expect(!connection.isConnected)
            // Until reset, every statement says so rather than hanging.
            let again = expectPostgresError { _ = try connection.query("select 1") }
            #expect(again == .connectionLost("terminating connection due to administrator command (reset() reconnects)"))
            try connection.reset()
            #expect(connection.isConnected)
            #expect(try scalar(connection, "select 1") == "1")
            #expect(try scalar(connection, "select pg_backend_pid()") != pid)
        }

        @Test func terminatingItselfLosesTheSession() throws {
            guard let connection = try connectToTestServer() else { return }
            let kind = expectPostgresError { _ = try connection.query("select pg_terminate_backend(pg_backend_pid())") }
            guard case .connectionLost(let message) = kind else {
                Issue.record("expected .connectionLost, got \(String(describing: kind))")
                return
            }
            #expect(message.contains("terminating connection"))
            try connection.reset()
            #expect(try scalar(connection, "select 1") == "1")
        }

        @Test func cancelWorksAfterAReset() throws {
            guard let connection = try connectToTestServer() else { return }
            _ = expectPostgresError { _ = try connection.query("select pg_terminate_backend(pg_backend_pid())") }
            try connection.reset()
            let clock = ContinuousClock()
            let start = clock.now
            let kind = expectPostgresError {
                _ = try connection.query("select pg_sleep(10)", isCancelled: { clock.now - start > .milliseconds(50) })
            }
            #expect(kind == .cancelled)
            #expect(clock.now - start < .milliseconds(500))
        }
    }
}
