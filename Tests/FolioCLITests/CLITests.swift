import Foundation
import Testing

/// The command line as scripts use it: arguments, exit codes, what goes to stdout and stderr.
@Suite struct CLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = root.appendingPathComponent("Samples/portfolio").path

    /// The `folio` binary next to this test bundle (swift test builds it first).
    static var binary: String {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("folio").path,
            root.appendingPathComponent(".build/debug/folio").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func folio(_ args: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        // Snapshots of test data go to a cache of the test run's own, not the user's.
        env["XDG_CACHE_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("folio-cli-tests-cache").path
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func queryToCSVWhenPiped() throws {
        let r = try Self.folio(["--data", Self.samples, "-c", "accounts | where id = \"A0000002\" | select id, arr"])
        #expect(r.status == 0)
        #expect(r.stdout == "id,arr\nA0000002,46800\n")
        #expect(r.stderr == "")
    }

    @Test func builtInDemoIsTheSamplePortfolio() throws {
        let demo = try Self.folio(["-c", "accounts | sort arr desc, id | limit 3 | select id, arr; contacts | count"])
        let samples = try Self.folio(["--data", Self.samples, "-c", "accounts | sort arr desc, id | limit 3 | select id, arr; contacts | count"])
        #expect(demo.status == 0)
        #expect(demo.stdout == samples.stdout)
    }

    @Test func everyFormat() throws {
        let q = "accounts | where id = \"A0000002\" | select id, products, nps"
        #expect(try Self.folio(["-c", q, "--format", "tsv"]).stdout == "id\tproducts\tnps\nA0000002\tCRM Cloud;Data Platform;Security\t36\n")
        #expect(try Self.folio(["-c", q, "--format", "jsonl"]).stdout == "{\"id\":\"A0000002\",\"products\":[\"CRM Cloud\",\"Data Platform\",\"Security\"],\"nps\":36}\n")
        #expect(try Self.folio(["-c", q, "--format", "json"]).stdout.hasPrefix("[\n{\"id\":\"A0000002\""))
        #expect(try Self.folio(["-c", q, "--format", "markdown"]).stdout.hasPrefix("| id | products | nps |\n| --- | --- | ---: |\n"))
        let table = try Self.folio(["-c", q, "--format", "table"]).stdout
        #expect(table.hasPrefix("┌──────────┬"))
        #expect(table.hasSuffix("1 row\n"))
    }

    @Test func queryErrorExitsOneWithTheMessageOnStderr() throws {
        let r = try Self.folio(["-c", "accounts | where helth < 5"])
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr.hasPrefix("error: unknown field 'helth' on accounts\n --> query:1:18\n"))
        #expect(r.stderr.contains("did you mean 'health'?"))
    }

    @Test func syntaxErrorRunsNothing() throws {
        let r = try Self.folio(["-c", "accounts | count\naccounts | where"])
        #expect(r.status == 1)
        #expect(r.stdout == "")
    }

    @Test func usageErrorsExitTwo() throws {
        for args in [["--format", "xml", "-c", "accounts | count"], ["--today", "June", "-c", "accounts | count"],
                     ["--fiscal-year-start", "13", "-c", "accounts | count"], ["--bogus"], ["--param", "novalue", "-c", "accounts | count"],
                     ["run"], ["generate", "--accounts", "0", "--out", "/tmp/x"]] {
            let r = try Self.folio(args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stdout == "")
            #expect(r.stderr.hasPrefix("error: "), "\(args)")
        }
    }

    @Test func dataErrorsExitThree() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "id,name,health\nA1,Acme,high\n".write(to: dir.appendingPathComponent("accounts.csv"), atomically: true, encoding: .utf8)
        let r = try Self.folio(["--data", dir.path, "-c", "accounts | count"])
        #expect(r.status == 3)
        #expect(r.stderr == "\(dir.path)/accounts.csv:2:9: error: expected a whole number for 'health', found \"high\"\n")
        let lenient = try Self.folio(["--data", dir.path, "--lenient", "-c", "accounts | count"])
        #expect(lenient.status == 0)
        #expect(lenient.stdout == "count\n0\n")
        #expect(lenient.stderr.hasPrefix("warning: skipped 1 bad row: 1 bad number (first: "))
        let missing = try Self.folio(["--data", dir.appendingPathComponent("nope").path, "-c", "accounts | count"])
        #expect(missing.status == 3)
    }

    @Test func parametersAreTypedLikeLiterals() throws {
        let q = "accounts | where region = $region and arr > $min and renewal_date < $before | count"
        let r = try Self.folio(["-c", q, "--param", "region=emea", "--param", "min=250k", "--param", "before=2027-01-01"])
        let direct = try Self.folio(["-c", "accounts | where region = \"emea\" and arr > 250k and renewal_date < 2027-01-01 | count"])
        #expect(r.status == 0)
        #expect(r.stdout == direct.stdout)
        let bad = try Self.folio(["-c", "accounts | where region = $region | count", "--param", "region=Mars"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("'Mars' is not a value of accounts.region"))
        let missing = try Self.folio(["-c", "accounts | where region = $region | count"])
        #expect(missing.stderr.hasPrefix("error: no value for parameter $region"))
    }

    @Test func todayAndFiscalYearStart() throws {
        let q = "accounts | limit 1 | select today, fiscal_year(today)"
        #expect(try Self.folio(["-c", q]).stdout == "today,fiscal_year(today)\n2026-06-15,2027\n")
        #expect(try Self.folio(["-c", q, "--today", "2026-01-15"]).stdout == "today,fiscal_year(today)\n2026-01-15,2026\n")
        #expect(try Self.folio(["-c", q, "--fiscal-year-start", "7"]).stdout == "today,fiscal_year(today)\n2026-06-15,2026\n")
    }

    @Test func scriptOnStdin() throws {
        let r = try Self.folio([], stdin: "let big = accounts | where arr > 1m\nbig | count\n")
        #expect(r.status == 0)
        #expect(r.stdout == "count\n41\n")
    }

    @Test func runSavedQueries() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("q.folio")
        try "#!/usr/bin/env -S folio run\n# a saved query\naccounts\n  | where tier = $tier\n  | count\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try Self.folio(["run", file.path, "--param", "tier=strategic"])
        #expect(r.status == 0)
        #expect(r.stdout == "count\n19\n")
        let missing = try Self.folio(["run", dir.appendingPathComponent("none.folio").path])
        #expect(missing.status == 2)
        for playbook in try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Samples/queries").path) {
            let path = Self.root.appendingPathComponent("Samples/queries/\(playbook)").path
            let r = try Self.folio(["run", path, "--param", "owns=Analytics", "--param", "missing=AI Assistant", "--param", "product=Analytics"])
            #expect(r.status == 0, "\(playbook): \(r.stderr)")
            #expect(r.stdout.split(separator: "\n").count > 1, "\(playbook) found nothing")
        }
    }

    @Test func timerGoesToStderr() throws {
        let r = try Self.folio(["--timer", "-c", "accounts | count; contacts | count"])
        #expect(r.stdout == "count\n500\ncount\n2153\n")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].range(of: #"^load: 9177 rows in \d+\.\d{3} ms \(parse \d+\.\d{3}, ids \d+\.\d{3}, indexes \d+\.\d{3}, relationships \d+\.\d{3}, collections \d+\.\d{3} ms\)$"#, options: .regularExpression) != nil, "\(lines[0])")
        #expect(lines[1].range(of: #"^time: \d+\.\d{3} ms$"#, options: .regularExpression) != nil)
    }

    /// The first run over a data directory writes a snapshot after its output; the next
    /// reopens it; `--no-snapshot` neither reads nor writes one.
    @Test func snapshotIsWrittenThenReopened() throws {
        let cache = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let env = ["XDG_CACHE_HOME": cache.path]
        let query = "opportunities | group by stage aggregate count() as n"
        let plain = try Self.folio(["--data", Self.samples, "--no-snapshot", "--timer", "-c", query], environment: env)
        #expect(!plain.stderr.contains("snapshot"), "\(plain.stderr)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: cache.path + "/folio/snapshots")) == nil)
        let first = try Self.folio(["--data", Self.samples, "--timer", "-c", query], environment: env)
        #expect(first.stdout == plain.stdout)
        #expect(first.stderr.contains("snapshot: wrote \(cache.path)/folio/snapshots/"), "\(first.stderr)")
        let second = try Self.folio(["--data", Self.samples, "--timer", "-c", query], environment: env)
        #expect(second.stdout == plain.stdout)
        #expect(second.stderr.hasPrefix("load: 9177 rows in "), "\(second.stderr)")
        #expect(second.stderr.contains("(snapshot reopened from \(cache.path)/folio/snapshots/"), "\(second.stderr)")
        #expect(!second.stderr.contains("snapshot: wrote"))
    }

    /// Options serve their command whether they come before or after its word.
    @Test func optionsBeforeOrAfterTheCommand() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("q.folio")
        try "accounts | where tier = $tier | count\n".write(to: file, atomically: true, encoding: .utf8)
        let before = try Self.folio(["--data", Self.samples, "--param", "tier=key", "run", file.path])
        let after = try Self.folio(["run", file.path, "--data", Self.samples, "--param=tier=key"])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout == after.stdout)
        #expect(before.stdout == "count\n52\n")
        let wrong = try Self.folio(["--accounts", "5", "-c", "accounts | count"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.hasPrefix("error: --accounts is not an option of the REPL or -c"))
        let typo = try Self.folio(["--dtaa", "x"])
        #expect(typo.stderr.hasPrefix("error: unknown option '--dtaa' (did you mean '--data'?)"))
    }

    /// Scripts pass parameters by the thousand: one pass over the arguments.
    @Test func thousandsOfParameters() throws {
        let params = (1...8000).flatMap { ["--param", "p\($0)=\($0)"] }
        let r = try Self.folio(["-c", "accounts | where health > $p7999 - 7950 | count"] + params)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == (try Self.folio(["-c", "accounts | where health > 49 | count"])).stdout)
    }

    @Test func versionAndHelp() throws {
        let v = try Self.folio(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout == "0.1.0\n")
        let h = try Self.folio(["--help"])
        #expect(h.status == 0)
        #expect(h.stdout.contains("generate"))
        let sub = try Self.folio(["help", "run"])
        #expect(sub.stdout.hasPrefix("folio run: Run saved query files."))
        #expect(try Self.folio(["run", "--help"]).stdout == sub.stdout)
    }

    @Test func generateWritesAPortfolioThatLoads() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let g = try Self.folio(["generate", "--accounts", "50", "--seed", "5", "--out", dir.path])
        #expect(g.status == 0)
        let r = try Self.folio(["--data", dir.path, "-c", "accounts | count"])
        #expect(r.stdout == "count\n50\n")
    }
}
