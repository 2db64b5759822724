// swift-tools-version:6.0
import PackageDescription

// Coverage-guided fuzzing of folio (SPEC §7: no input crashes it): one libFuzzer executable per
// kind of input, each a thin shell around `UntrustedInput` in FolioCore, so that the regression
// tests run exactly what the fuzzers ran. Build and run with `Fuzz/run` (see README.md).
let targets = ["FuzzQuery", "FuzzSQL", "FuzzCSV", "FuzzJSONL", "FuzzConfig", "FuzzSnapshot", "FuzzXLSX"]

let package = Package(
    name: "folio-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "folio", path: ".."),
    ],
    targets: [
        // `<Target>_main` for each target, which SwiftPM makes the program's main: it starts
        // libFuzzer's driver (see FuzzEntry.c for why this cannot be libFuzzer's own main).
        .target(name: "FuzzEntry"),
    ] + targets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzEntry", .product(name: "FolioCore", package: "folio")])
    },
    swiftLanguageModes: [.v6]
)
