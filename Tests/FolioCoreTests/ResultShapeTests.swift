import Testing
@testable import FolioCore

/// A result built only as far as its caller looks (``Executor/Shape``) shows what the whole
/// result shows: a table that elides its middle draws the same text from the first and last
/// rows alone, and rows written a chunk at a time make the same CSV, JSON and Markdown.
@Suite struct ResultShapeTests {
    let session = Fixtures.session()

    static let queries = [
        "accounts",
        "accounts | where health < 50",
        "accounts | select id, name, arr * 2 as double_arr",
        "activities | sort kind",                                  // long runs of ties
        "contacts | sort role desc, name | select name, role",
        "accounts | sort nps nulls first, id",
        "accounts | sort nps desc",
        "opportunities | sort amount desc | select id, amount | select id",
        "accounts | where status = \"active\" | sort arr | select id, running_sum(arr) as r",  // the analytic sees every row
        "accounts | select id, rank(arr desc per region) as r | sort r, id",
        "accounts | group by region, tier aggregate count() as n, sum(arr) as a | sort n desc",
        "accounts | group by industry aggregate avg(health) as h",
        "accounts | sort health | limit 50",
        "accounts | top 30 by arr",
        "accounts | count",
        "managers | where false",
        "accounts | sort arr desc | limit 3 offset 1",
    ]

    func frame(_ query: String, _ shape: Executor.Shape) -> Frame? {
        for outcome in session.run(query, shape: shape) {
            if case .result(let frame, _) = outcome { return frame }
        }
        return nil
    }

    @Test(arguments: queries)
    func endsShowWhatTheWholeShows(_ query: String) throws {
        let whole = try #require(frame(query, .all))
        for maxRows in [2, 3, 5, 40] {
            let ends = try #require(frame(query, .ends(head: (maxRows + 1) / 2, tail: maxRows / 2)))
            #expect(ends.totalRows == whole.rowCount, "\(query)")
            #expect(ends.rowCount <= maxRows || ends.rowCount == whole.rowCount, "\(query): built \(ends.rowCount) rows")
            var options = RenderOptions(format: .table, maxRows: maxRows)
            options.width = 120
            #expect(Renderer.render(ends, options) == Renderer.render(whole, options), "\(query), .maxrows \(maxRows)")
        }
    }

    @Test(arguments: queries)
    func chunksWriteWhatTheWholeWrites(_ query: String) throws {
        let whole = try #require(frame(query, .all))
        for format in [OutputFormat.csv, .tsv, .json, .jsonl] {
            for size in [1, 7, 1000] {
                var chunks: [Frame] = []
                let streamed = try #require(frame(query, .chunks(rows: size) { chunks.append($0) }))
                #expect(streamed.streamed && streamed.rowCount == 0, "\(query)")
                #expect(!chunks.isEmpty && chunks.allSatisfy { $0.rowCount <= size }, "\(query)")
                #expect(chunks.reduce(0) { $0 + $1.rowCount } == whole.rowCount, "\(query)")
                var stream = Renderer.Stream(RenderOptions(format: format))
                let text = chunks.map { stream.chunk($0) }.joined() + stream.finish()
                #expect(text == Renderer.render(whole, RenderOptions(format: format)), "\(query) as \(format), chunks of \(size)")
            }
        }
    }

    /// `.last` after an elided table: the rows left out come back, and `_` stays the query.
    @Test func rerunLastGivesEveryRow() throws {
        let s = Fixtures.session()
        _ = s.run("accounts | sort arr desc | limit 100", shape: .ends(head: 2, tail: 2))
        for _ in 0..<2 {
            guard case .result(let again, _)? = s.rerunLast() else {
                Issue.record("no result")
                return
            }
            #expect(again.rowCount == 100 && again.omitted == nil)
        }
        #expect(Fixtures.run("_ | count", in: s, format: .csv) == "count\n100\n")
        #expect(Fixtures.session().rerunLast() == nil)
    }
}
