// swift-tools-version:6.0
// The benchmark suite: a separate package, never built by the main package or CI.
// Build: swift build -c release --package-path Benchmarks --scratch-path .build-bench
// Run everything: Benchmarks/run.sh [small|medium|large]
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name (lowercased): "main" in a clone at /work/main.
let catalogPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

let package = Package(
    name: "catalog-benchmarks",
    dependencies: [
        .package(path: "..")
    ],
    targets: [
        // Timing, percentiles and output shared by the executables (no Foundation).
        .target(name: "BenchSupport"),
        // A deterministic synthetic catalog as CSV seed files.
        .executableTarget(name: "bench-generate", dependencies: ["BenchSupport"]),
        // Runs commands alternately (A B A B ...) and reports wall time and peak RSS.
        .executableTarget(name: "bench-ab", dependencies: ["BenchSupport"]),
        // Many copies of one command at once (concurrent clients): throughput and latency.
        .executableTarget(name: "bench-clients", dependencies: ["BenchSupport"]),
        // The three relationship queries run in-process through CatalogKit, thousands of times.
        .executableTarget(
            name: "bench-latency",
            dependencies: [
                "BenchSupport", .product(name: "CatalogKit", package: catalogPackage),
                .product(name: "CatalogSQLite", package: catalogPackage),
            ]),
        // The seed readers (JSON, YAML, CSV) timed in-process on generated files.
        .executableTarget(
            name: "bench-parse",
            dependencies: [
                "BenchSupport", .product(name: "CatalogKit", package: catalogPackage),
                .product(name: "CatalogSeeds", package: catalogPackage),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
