// swift-tools-version:6.0
// libFuzzer targets for catalog's parsers and guards. A separate package: built with
// `-sanitize=fuzzer,address`, which the main package's plain `swift build` must not see.
// Run with scripts/fuzz.sh.
import PackageDescription

let targets = ["FuzzMigrationParser", "FuzzYAML", "FuzzJSON", "FuzzCSV", "FuzzSQLGuard", "FuzzNameMatching"]

let package = Package(
    name: "catalog-fuzz",
    dependencies: [.package(name: "catalog", path: "..")],
    targets: [.target(name: "FuzzSupport")]
        + targets.map { name in
            .executableTarget(
                name: name,
                dependencies: [
                    "FuzzSupport",
                    .product(name: "CatalogKit", package: "catalog"),
                    .product(name: "CatalogSeeds", package: "catalog"),
                    .product(name: "CatalogSQLite", package: "catalog"),
                ],
                swiftSettings: [.unsafeFlags(["-parse-as-library"])]
            )
        },
    swiftLanguageModes: [.v6]
)
