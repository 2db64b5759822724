import Testing
@testable import FolioCore

/// `explain analyze`: the plan with the rows each stage really gave and its time. (Times
/// vary, so these are asserted here rather than in a golden file.)
@Suite struct ExplainAnalyzeTests {
    func plan(_ query: String) throws -> Frame {
        let session = Fixtures.session()
        let outcomes = session.run(query)
        guard case .result(let frame, _)? = outcomes.last else {
            Issue.record("no plan: \(outcomes)")
            throw Failure()
        }
        return frame
    }

    struct Failure: Error {}

    @Test func actualRowsPerStage() throws {
        let f = try plan(#"explain analyze accounts | where region = "EMEA" | sort arr desc | limit 10"#)
        #expect(f.columns.map(\.name) == ["stage", "access", "rows_in", "rows_out", "rows_out_is", "actual_rows", "ms"])
        #expect(f.values[0].map(ValueFormat.plain) == ["scan accounts", #"where region = "EMEA""#, "sort arr desc", "limit 10", "result"])
        #expect(f.values[1].map(ValueFormat.plain) == ["table", "postings", "keeps the first 10: sorted index on arr if many rows are left, else bounded heap", "", ""])
        let emea = Fixtures.session().run(#"accounts | where region = "EMEA" | count"#)
        guard case .result(let counted, _)? = emea.last else { throw Failure() }
        #expect(f.values[5] == [.int(500), counted[0, 0], .int(10), .int(10), .int(10)])
        #expect(f.values[3][1] == counted[0, 0], "the postings know the count exactly")
        #expect(f.values[3][2] == .int(10), "the plan knows sort keeps only the first 10")
        for ms in f.values[6] {
            guard case .decimal(let d) = ms else { throw Failure() }
            #expect(d >= 0)
        }
    }

    @Test func idLookupAndCount() throws {
        let f = try plan(#"explain analyze accounts | where id = "A0000044" | count"#)
        #expect(f.values[5] == [.int(500), .int(1), .int(1), .int(1)])
        #expect(ValueFormat.plain(f.values[1][1]).contains("id index"))
    }

    @Test func plainExplainDoesNotRun() throws {
        let f = try plan(#"explain accounts | where region = "EMEA""#)
        #expect(f.columns.count == 5)
    }
}
