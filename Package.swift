// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "folio",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "folio", targets: ["folio"]),
        .library(name: "FolioCore", targets: ["FolioCore"]),
    ],
    dependencies: [
        // Workbooks (.xlsx) are ZIP archives of XML: read and written through ZIPFoundation.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // libedit, through pkg-config; only the line reader imports it.
        .systemLibrary(
            name: "CLibedit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // The engine: schema, store, loader, language, planner, evaluator, output. No libedit.
        .target(
            name: "FolioCore",
            dependencies: ["CPrefetch", "CSafety", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            // The loader appends to columns held by builder objects millions of times a
            // second; dynamic exclusivity checks on those accesses cost ~10% of a load.
            // The store is immutable once loaded and the builders are confined to one task.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // libpq, through pkg-config; only the PostgreSQL driver imports it.
        .systemLibrary(
            name: "CLibpq",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // The PostgreSQL driver: connections, queries with bind parameters, COPY, cancel.
        .target(name: "FolioPostgres", dependencies: ["CLibpq"]),
        // A cache prefetch hint, which Swift cannot express.
        .target(name: "CPrefetch"),
        // Temporaries removed when a signal ends folio, and a truncated mapped file reported
        // instead of a crash: signal handlers, so C.
        .target(name: "CSafety"),
        // SIGINT without SA_RESTART and the terminal's width: C, because signal handlers
        // and ioctl (variadic) cannot be written in Swift.
        .target(name: "CTerminal"),
        // The terminal line reader behind a protocol; the one place libedit is imported.
        .target(name: "FolioLineEditor", dependencies: ["CLibedit", "CTerminal", "CSafety"]),
        // The interactive shell: dot-commands, completion, result display. No libedit.
        .target(name: "FolioREPL", dependencies: ["FolioCore", "FolioLineEditor"]),
        .executableTarget(
            name: "folio",
            dependencies: ["FolioCore", "FolioLineEditor", "FolioREPL", "CTerminal", "CSafety", "FolioPostgres"]
        ),
        .testTarget(name: "FolioCoreTests", dependencies: ["FolioCore"]),
        // Needs a server: skipped unless FOLIO_TEST_POSTGRES names one (.ci/run starts one).
        .testTarget(name: "FolioPostgresTests", dependencies: ["FolioPostgres"]),
        .testTarget(name: "FolioREPLTests", dependencies: ["FolioREPL", "FolioLineEditor", "FolioCore"]),
        // Runs the built `folio` binary: arguments, exit codes, stdout and stderr.
        .testTarget(name: "FolioCLITests", dependencies: ["folio"]),
    ],
    swiftLanguageModes: [.v6]
)
