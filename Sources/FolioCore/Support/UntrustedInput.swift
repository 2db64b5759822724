import Foundation

/// Runs raw bytes through folio the way a user's input goes, for fuzzers and their regression
/// tests: a reported error is a correct answer and is swallowed; only a crash, a trap, a hang
/// or a sanitizer report is a finding (SPEC §7).
///
/// ```swift
/// UntrustedInput.query(Array("accounts | where health < 50 | count".utf8))
/// UntrustedInput.csv(Array("id,name\nA1,Acme\n".utf8))
/// ```
///
/// Each entry point takes milliseconds and gives the same result for the same bytes (apart
/// from where a query is cut short by its time limit), so that libFuzzer can run thousands a
/// second and a saved input reproduces its finding.
public enum UntrustedInput {
    // MARK: - Queries

    /// Runs the bytes, decoded as UTF-8 (lossily, as a terminal or a file would hand them
    /// over), as script text on a small demo portfolio: plainly, with the plan of every query
    /// before its result (`.explain on`), and as the operand of `explain`; every result is
    /// rendered as a table and as JSON.
    public static func query(_ bytes: [UInt8]) {
        guard let store = demoStore else { return }
        let text = String(decoding: bytes, as: UTF8.self)
        let session = Session(store: store, today: fixedToday)
        session.parameters = ["p": .int(5)]
        // One session for all three runs, so that a `let` of the text is known to the later
        // ones, as in a REPL where the user runs the same text again.
        render(session.run(text, cancellation: shortDeadline()))
        // `explain TEXT` explains only a script's first statement; `.explain on` explains each.
        render(session.run(text, cancellation: shortDeadline(), explainQueries: true))
        render(session.run("explain " + text, cancellation: shortDeadline()))
    }

    /// Compiles the bytes, as script text on the demo portfolio, to SQL in every dialect,
    /// with parameters as literals and as placeholders: every checked query compiles or gets
    /// a located error (SPEC §8).
    public static func sql(_ bytes: [UInt8]) {
        guard let store = demoStore else { return }
        let text = String(decoding: bytes, as: UTF8.self)
        let session = Session(store: store, today: fixedToday)
        session.parameters = ["p": .int(5)]
        for dialect in SQLDialectName.allCases {
            for placeholders in [false, true] {
                for outcome in session.sql(text, dialect: dialect, placeholders: placeholders) {
                    if case .sql(let out, _) = outcome { _ = out.sql.utf8.count }
                }
            }
        }
    }

    // MARK: - Data files

    /// Loads the bytes as `accounts.csv` beside a valid `managers.csv`, strict and lenient,
    /// and queries what loads.
    public static func csv(_ bytes: [UInt8]) {
        loadAndQuery(["accounts.csv": bytes, "managers.csv": smallManagers])
    }

    /// Loads the bytes as `accounts.jsonl` beside a valid `managers.csv`, strict and lenient,
    /// and queries what loads.
    public static func jsonl(_ bytes: [UInt8]) {
        loadAndQuery(["accounts.jsonl": bytes, "managers.csv": smallManagers])
    }

    /// Loads the bytes as `folio.json` beside a valid `accounts.csv` and `managers.csv`,
    /// strict and lenient, and queries what loads.
    public static func config(_ bytes: [UInt8]) {
        loadAndQuery(["folio.json": bytes, "accounts.csv": smallAccounts, "managers.csv": smallManagers])
    }

    /// Reads the bytes as an Excel workbook: its sheet names, then its first sheet.
    public static func xlsx(_ bytes: [UInt8]) {
        _ = try? XLSXReader.sheetNames(bytes)
        _ = try? XLSXReader.read(bytes, sheet: nil)
    }

    // MARK: - Snapshots

    /// Damages a real snapshot as the bytes say, then opens it and, if it opens, queries it.
    ///
    /// Byte 0 is a set of flags; bit 0 (odd): the file is cut short at the offset in bytes 1–4
    /// (little-endian, modulo the size). The rest are edits of 5 bytes each: an offset (4 bytes,
    /// little-endian, modulo the size) and the byte to put there. Bit 1: after the edits, the
    /// header's, table's and arrays' hashes are recomputed, so that the damage gets past the
    /// checksums and meets the decoder's own checks of counts, kinds and offsets (a damaged
    /// file from a disk would not do that, but a snapshot written by another version of folio
    /// could be as wrong and still hash right).
    public static func snapshot(_ bytes: [UInt8]) {
        guard let original = pristineSnapshot, !original.isEmpty else { return }
        var image = original
        var rest = bytes[...]
        let flags = rest.popFirst() ?? 0
        var cut: Int?
        if flags & 1 != 0 {
            cut = littleEndian(rest.prefix(4)) % image.count
            rest = rest.dropFirst(4)
        }
        while rest.count >= 5 {
            let offset = littleEndian(rest.prefix(4)) % image.count
            image[offset] = rest[rest.startIndex + 4]
            rest = rest.dropFirst(5)
        }
        if flags & 2 != 0 { reseal(&image) }
        if let cut { image.removeSubrange(cut...) }

        // A new file each time (written, then unlinked once mapped): the store of the last
        // run may still map the previous one, and rewriting a mapped file in place would make
        // that a SIGBUS, not a finding.
        let path = NSTemporaryDirectory() + "folio-fuzz-snapshot-\(getpid()).snapshot"
        unlink(path)
        guard FileManager.default.createFile(atPath: path, contents: Data(image)) else { return }
        let opened = try? Snapshot.read(path) { _ in true }
        unlink(path)
        guard let store = opened else { return }

        let session = Session(store: store, today: fixedToday)
        var script = store.tables.map { "\($0.name) | count" }
        script += [
            "accounts | select * | limit 5",
            #"accounts | where id = "A0000003" | select id, name, arr"#,
            #"accounts | where region = "EMEA" and health < 50 | select id, name"#,
            #"opportunities | where stage = "negotiation" | count"#,
            "accounts | select name, count(contacts) as n, sum(opportunities.amount) as pipeline | limit 5",
            "managers | select name, count(descendants) as org | limit 5",
        ]
        for text in script { render(session.run(text, cancellation: shortDeadline())) }
    }

    // MARK: - Fixtures

    /// The demo portfolio, kept small so that each query runs in well under a millisecond.
    static let demoStore: Store? = try? Loader.load(.memory(PortfolioGenerator(accounts: 60, seed: 7).generateInMemory())).0

    static let fixedToday: Int32 = Day.parse("2026-06-15") ?? 0

    static let smallManagers = Array(
        "id,name,email,role,level,region,lead_id,quota\nM1,Ann,ann@x.com,key,senior,EMEA,,100000\nM2,Bo,bo@x.com,sales,junior,AMER,M1,50000\n".utf8)

    static let smallAccounts = Array(
        "id,name,owner_id,arr,renewal_date,region,products\nA1,Acme,M1,1200,2026-09-01,EMEA,Analytics;CRM Cloud\nA2,Bolt,M2,,2026-07-01,AMER,\n".utf8)

    /// The bytes of a snapshot of a small portfolio, made once; nil if it cannot be made
    /// (then there is nothing to damage).
    static let pristineSnapshot: [UInt8]? = {
        guard let (store, _) = try? Loader.load(.memory(PortfolioGenerator(accounts: 6, seed: 3).generateInMemory())) else { return nil }
        let path = NSTemporaryDirectory() + "folio-fuzz-pristine-\(getpid())/store.snapshot"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let sources = SourceFingerprint(schemaHash: SourceFingerprint.schemaHash(.standard), files: [])
        guard (try? Snapshot.write(store, sources: sources, to: path)) != nil,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return Array(data)
    }()

    // MARK: - Helpers

    /// Loads `files` strict and lenient, and runs a query on each store that loads.
    static func loadAndQuery(_ files: [String: [UInt8]]) {
        for lenient in [false, true] {
            guard let (store, _) = try? Loader.load(.memory(files), lenient: lenient) else { continue }
            let session = Session(store: store, today: fixedToday)
            render(session.run("accounts | select * | limit 5", cancellation: shortDeadline()))
        }
    }

    /// Stops a query after about 200 ms, so that a slow query is not taken for a hang (a
    /// real hang is one the deadline cannot stop: the fuzzer's `-timeout` catches that).
    static func shortDeadline() -> Cancellation {
        let deadline = DispatchTime.now().uptimeNanoseconds + 200_000_000
        return Cancellation { DispatchTime.now().uptimeNanoseconds > deadline }
    }

    /// Renders every result as a table and as JSON: rendering is part of the path a query's
    /// answer takes to the user.
    static func render(_ outcomes: [Session.Outcome]) {
        for case .result(let frame, _) in outcomes {
            _ = Renderer.render(frame, RenderOptions(format: .table))
            _ = Renderer.render(frame, RenderOptions(format: .json))
        }
    }

    /// Up to 4 bytes as a little-endian unsigned number.
    static func littleEndian(_ bytes: ArraySlice<UInt8>) -> Int {
        var value = 0
        for (i, b) in bytes.prefix(4).enumerated() { value |= Int(b) << (8 * i) }
        return value
    }

    /// Recomputes the hashes of a snapshot image (see ``Snapshot``'s layout) wherever the
    /// header and table, as they now read, say the parts are; parts that lie outside the image
    /// are left as they are.
    static func reseal(_ image: inout [UInt8]) {
        guard image.count >= 48 else { return }
        func word(_ at: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(image[at + i]) << (8 * i) }
            return v
        }
        func setWord(_ at: Int, _ v: UInt64) {
            for i in 0..<8 { image[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
        }
        func hash(_ range: Range<Int>) -> UInt64 { image[range].withUnsafeBytes { Checksum.hash($0) } }
        let size = image.count
        let blobCount = Int(clamping: word(32))
        guard blobCount < 1 << 24, 48 + blobCount * 32 <= size else { return }
        for i in 0..<blobCount {
            let entry = 48 + i * 32
            guard let element = Snapshot.Blob.elementSize(word(entry)) else { continue }
            let count = Int(clamping: word(entry + 8)), offset = Int(clamping: word(entry + 16))
            guard count <= size / element, offset >= 0, offset <= size - count * element else { continue }
            setWord(entry + 24, hash(offset..<(offset + count * element)))
        }
        setWord(40, hash(48..<(48 + blobCount * 32)))
        let manifestLength = Int(clamping: word(16))
        let manifestStart = 48 + blobCount * 32
        guard manifestLength <= size - manifestStart else { return }
        setWord(24, hash(manifestStart..<(manifestStart + manifestLength)))
    }
}
