// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "catalog",
    products: [
        .library(name: "CatalogKit", targets: ["CatalogKit"]),
        .library(name: "CatalogSeeds", targets: ["CatalogSeeds"]),
        .executable(name: "catalog", targets: ["catalog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The SQLite C API, from Debian's libsqlite3-dev. Only CatalogSQLite imports it.
        .systemLibrary(
            name: "CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // Thin, checked wrapper over the C API: Connection, Statement, Row, Value, errors.
        .target(name: "CatalogSQLite", dependencies: ["CSQLite"]),
        // Everything else: migrations, output formats (later the ORM, seeds, queries).
        .target(name: "CatalogKit", dependencies: ["CatalogSQLite"]),
        // Seed files (YAML, JSON, CSV) and the seed loader.
        .target(name: "CatalogSeeds", dependencies: ["CatalogKit", .product(name: "Yams", package: "Yams")]),
        // The command-line shell over CatalogKit.
        .executableTarget(
            name: "catalog",
            dependencies: [
                "CatalogKit",
                "CatalogSeeds",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CatalogSQLiteTests", dependencies: ["CatalogSQLite"]),
        .testTarget(name: "CatalogKitTests", dependencies: ["CatalogKit", "CatalogSQLite"]),
        .testTarget(name: "CatalogSeedsTests", dependencies: ["CatalogSeeds", "CatalogKit"]),
        .testTarget(name: "CatalogCLITests", dependencies: ["catalog"]),
    ],
    swiftLanguageModes: [.v6]
)
