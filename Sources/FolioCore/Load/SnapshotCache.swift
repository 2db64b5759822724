import Foundation

/// The files a load of a data directory reads (each entity's `.csv` and `.jsonl`, present or
/// not, and `folio.json`), as they were when a snapshot was made: their size, times, inode
/// and a hash of their contents; and a hash of the schema they were read with.
///
/// A snapshot is taken when every file is as recorded. Like git's index, a file whose size,
/// modification and change times (to the nanosecond), inode and device are all unchanged is
/// taken as unchanged (any write changes the change time, which no tool can set back); a file
/// whose size is the same but whose times differ (touched, copied back) has its contents hashed
/// and compared.
public struct SourceFingerprint: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public var name: String
        public var exists: Bool
        public var size: Int
        public var modified: Int
        public var changed: Int
        public var inode: Int
        public var device: Int
        public var contentHash: UInt64

        func sameStat(_ o: File) -> Bool {
            exists == o.exists && size == o.size && modified == o.modified && changed == o.changed && inode == o.inode && device == o.device
        }
    }

    public var schemaHash: UInt64
    public var files: [File]

    /// The files of `directory` a load with `schema` reads, with their stat; contents hashed
    /// only when `hashing`.
    static func current(_ directory: String, schema: Schema, hashing: Bool) -> SourceFingerprint {
        var files: [File] = []
        // The files a load reads: the mapping's, when folio.json has one.
        let names = (try? LoadPlan.make(.directory(directory), schema: schema))?.watchedFiles ?? Self.names(schema)
        for name in names {
            var file = File(name: name, exists: false, size: 0, modified: 0, changed: 0, inode: 0, device: 0, contentHash: 0)
            var st = stat()
            let path = (directory as NSString).appendingPathComponent(name)
            if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
                file.exists = true
                file.size = Int(st.st_size)
                file.modified = Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec)
                file.changed = Int(st.st_ctim.tv_sec) * 1_000_000_000 + Int(st.st_ctim.tv_nsec)
                file.inode = Int(truncatingIfNeeded: st.st_ino)
                file.device = Int(truncatingIfNeeded: st.st_dev)
                if hashing { file.contentHash = contentHash(path) ?? 0 }
            }
            files.append(file)
        }
        return SourceFingerprint(schemaHash: Self.schemaHash(schema), files: files)
    }

    static func names(_ schema: Schema) -> [String] {
        ["folio.json"] + schema.entities.flatMap { [$0.name + ".csv", $0.name + ".jsonl"] }
    }

    static func schemaHash(_ schema: Schema) -> UInt64 {
        let text = schema.entities.map { e in
            e.name + "(" + e.fields.map { f in "\(f.name):\(f.type):\(f.enumValues.joined(separator: "|")):\(f.reference.map { "\($0.target).\($0.name).\($0.inverse)" } ?? "")" }.joined(separator: ",") + ")"
        }.joined(separator: ";")
        return Array(text.utf8).withUnsafeBytes { Checksum.hash($0) }
    }

    /// Whether the files are still those of `recorded`: stats equal, or contents equal.
    func matches(_ recorded: SourceFingerprint, directory: String) -> Bool {
        guard schemaHash == recorded.schemaHash, files.count == recorded.files.count else { return false }
        for (now, then) in zip(files, recorded.files) {
            guard now.name == then.name, now.exists == then.exists else { return false }
            if !now.exists || now.sameStat(then) { continue }
            guard now.size == then.size, Self.contentHash((directory as NSString).appendingPathComponent(now.name)) == then.contentHash else { return false }
        }
        return true
    }

    /// A hash of a file's contents, 16 MiB pieces hashed side by side on every core.
    static func contentHash(_ path: String) -> UInt64? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        let size = Int(st.st_size)
        if size == 0 { return Checksum.hash(UnsafeRawBufferPointer(start: nil, count: 0)) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else { return nil }
        defer { munmap(address, size) }
        madvise(address, size, MADV_SEQUENTIAL)
        let piece = 16 << 20
        let pieces = (size + piece - 1) / piece
        let hashes = ResultSlots<UInt64>(count: pieces)
        let base = UncheckedBox(UnsafeRawPointer(address))
        DispatchQueue.concurrentPerform(iterations: pieces) { i in
            let start = i * piece
            let length = min(piece, size - start)
            hashes.set(i, Checksum.hash(UnsafeRawBufferPointer(start: base.value + start, count: length), seed: UInt64(i)))
            // Hashed pages leave this process (the page cache keeps them): no memory peak.
            madvise(UnsafeMutableRawPointer(mutating: base.value + start), length, MADV_DONTNEED)
        }
        let all = hashes.takeAll().map { $0 ?? 0 }
        return all.withUnsafeBytes { Checksum.hash($0, seed: UInt64(size)) }
    }

    func encode(_ e: inout Snapshot.Encoder) {
        e.int(Int(Int64(bitPattern: schemaHash)))
        e.int(files.count)
        for f in files {
            e.string(f.name)
            e.bool(f.exists)
            for v in [f.size, f.modified, f.changed, f.inode, f.device, Int(Int64(bitPattern: f.contentHash))] { e.int(v) }
        }
    }

    static func decode(_ d: inout Snapshot.Decoder) throws(Snapshot.Unusable) -> SourceFingerprint {
        let schemaHash = UInt64(bitPattern: Int64(try d.int()))
        var files: [File] = []
        for _ in 0..<(try d.count(max: 1024)) {
            let name = try d.string()
            let exists = try d.bool()
            var v: [Int] = []
            for _ in 0..<6 { v.append(try d.int()) }
            files.append(File(name: name, exists: exists, size: v[0], modified: v[1], changed: v[2], inode: v[3], device: v[4],
                              contentHash: UInt64(bitPattern: Int64(v[5]))))
        }
        return SourceFingerprint(schemaHash: schemaHash, files: files)
    }
}

/// Where snapshots of data directories are kept: `$XDG_CACHE_HOME/folio/snapshots`, else
/// `~/.cache/folio/snapshots` — never in the data directory. One file per data directory,
/// named by a hash of its real path.
public struct SnapshotCache: Sendable {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    /// The cache of this user, or nil when neither `XDG_CACHE_HOME` nor `HOME` is set.
    public static func standard(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> SnapshotCache? {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return SnapshotCache(directory: xdg + "/folio/snapshots") }
        if let home = environment["HOME"], !home.isEmpty { return SnapshotCache(directory: home + "/.cache/folio/snapshots") }
        return nil
    }

    /// How many snapshots the cache keeps: the most recently used.
    public static let kept = 8

    /// Removes all but the `keeping` most recently used snapshots (a reopen marks one used),
    /// and temporary files of writes that did not finish an hour ago.
    static func prune(_ directory: String, keeping: Int) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        var snapshots: [(path: String, used: Int)] = []
        for name in names {
            let path = directory + "/" + name
            var st = stat()
            guard stat(path, &st) == 0 else { continue }
            let used = Int(st.st_mtim.tv_sec)
            if name.hasSuffix(".snapshot") {
                snapshots.append((path, used))
            } else if name.hasSuffix(".tmp"), used < Int(time(nil)) - 3600 {
                unlink(path)
            }
        }
        for old in snapshots.sorted(by: { $0.used > $1.used }).dropFirst(keeping) { unlink(old.path) }
    }

    /// The snapshot file for a data directory.
    public func path(for dataDirectory: String) -> String {
        let real = realpath(dataDirectory, nil).map { p in
            defer { free(p) }
            return String(cString: p)
        } ?? dataDirectory
        let hash = Array(real.utf8).withUnsafeBytes { Checksum.hash($0) }
        return directory + "/" + String(hash, radix: 16) + ".snapshot"
    }
}

extension Loader {
    /// Loads a data directory through the snapshot cache: the snapshot when it is whole and the
    /// files are unchanged, else the files (and then a new snapshot, when the load skipped no
    /// rows). `report.snapshot` says which, and why.
    ///
    /// With `deferWrite`, a new snapshot is not written here but left in `report.pendingSnapshot`
    /// for the caller to write when it suits (after a script's output, or beside the REPL).
    public static func load(directory: String, schema: Schema = .standard, lenient: Bool = false, cache: SnapshotCache?,
                            deferWrite: Bool = false) throws(LoadError) -> (Store, LoadReport) {
        guard let cache else { return try loadSettled(directory: directory, schema: schema, lenient: lenient).0 }
        let started = DispatchTime.now().uptimeNanoseconds
        let path = cache.path(for: directory)
        var statted = SourceFingerprint.current(directory, schema: schema, hashing: false)
        var why: String
        do throws(Snapshot.Unusable) {
            let store = try Snapshot.read(path) { statted.matches($0, directory: directory) }
            var report = LoadReport()
            report.rows = store.tables.map { ($0.name, $0.rowCount) }
            report.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
            report.phases = [("snapshot", report.milliseconds)]
            report.snapshot = "reopened from \(path)"
            if let skipped = (try? LoadPlan.make(.directory(directory), schema: schema))?.skipped, !skipped.isEmpty {
                report.notes = [Loader.skippedNote(skipped)]
            }
            utimes(path, nil)  // used now: pruning keeps the most recently used
            return (store, report)
        } catch {
            why = error.description
        }
        let ((store, loaded), settled) = try loadSettled(directory: directory, schema: schema, lenient: lenient, statted: statted)
        statted = settled
        var report = loaded
        guard report.skipped.total == 0 else {
            report.snapshot = "not written: rows were skipped"
            return (store, report)
        }
        let pending = PendingSnapshot(store: store, directory: directory, schema: schema, statted: statted, path: path,
                                      previous: why == "no snapshot" ? nil : why)
        if deferWrite {
            report.pendingSnapshot = pending
        } else {
            report.snapshot = pending.write()
        }
        return (store, report)
    }
}

extension Loader {
    /// How many times a load is tried again when its files change while they are read.
    static let settleAttempts = 3

    /// Loads the files of a directory, making sure that no file changed while they were read
    /// (size, times, inode, as before and after): a file rewritten during the load is read
    /// again, so the store is never a mix of old and new. Files that keep changing are an
    /// error. Also the fingerprint the store is of.
    static func loadSettled(directory: String, schema: Schema, lenient: Bool, statted first: SourceFingerprint? = nil) throws(LoadError) -> ((Store, LoadReport), SourceFingerprint) {
        var before = first ?? SourceFingerprint.current(directory, schema: schema, hashing: false)
        var attempt = 1
        while true {
            let loaded = try load(.directory(directory), schema: schema, lenient: lenient)
            let after = SourceFingerprint.current(directory, schema: schema, hashing: false)
            let changed = before.files.count != after.files.count ? "folio.json" : zip(before.files, after.files).first { !$0.sameStat($1) }?.0.name
            guard let changed else { return (loaded, after) }
            guard attempt < settleAttempts else {
                throw LoadError(file: (directory as NSString).appendingPathComponent(changed), kind: "file changed while loading",
                                message: "the file changed while folio read it, \(settleAttempts) times; load it again once it is written")
            }
            attempt += 1
            before = after
        }
    }
}

/// A snapshot still to be written: `write()` hashes the source files, checks that they are
/// still those the store was loaded from, writes the snapshot and says what happened.
public struct PendingSnapshot: Sendable {
    let store: Store
    let directory: String
    let schema: Schema
    /// The files as they were before the load.
    let statted: SourceFingerprint
    let path: String
    /// Why an existing snapshot was not used, if there was one.
    let previous: String?

    public func write() -> String {
        let started = DispatchTime.now().uptimeNanoseconds
        let sources = SourceFingerprint.current(directory, schema: schema, hashing: true)
        guard zip(sources.files, statted.files).allSatisfy({ $0.sameStat($1) }) else { return "not written: the data files changed while loading" }
        do throws(Snapshot.Unusable) {
            try Snapshot.write(store, sources: sources, to: path)
            SnapshotCache.prune((path as NSString).deletingLastPathComponent, keeping: SnapshotCache.kept)
            let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
            return (previous.map { "the snapshot was not used (\($0)); " } ?? "") + "wrote \(path) in \(Renderer.formatMilliseconds(ms)) ms"
        } catch {
            return "not written: \(error.description)"
        }
    }
}
