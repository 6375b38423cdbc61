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
        // The command-line shell over CatalogKit. It leaves out the seed loader (Yams, and with it
        // Foundation, cost ~1 ms of start-up) and execs catalog-seed for what needs it: `seed`,
        // `setup`, `migrate fresh --seed` and creating the catalog on first use.
        .executableTarget(
            name: "catalog",
            dependencies: [
                "CatalogKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["BuildCatalogSeed"]
        ),
        // The same commands with the seed loader built in: Sources/catalog-seed/ holds symlinks to
        // Sources/catalog/*.swift but for its own SeedBackend.swift.
        .executableTarget(
            name: "catalog-seed",
            dependencies: [
                "CatalogKit",
                "CatalogSeeds",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Makes every build of catalog (`swift run catalog` included) build catalog-seed next to it,
        // as catalog-seed-tool, without linking its dependencies into catalog as a target
        // dependency would.
        .plugin(name: "BuildCatalogSeed", capability: .buildTool(), dependencies: ["catalog-seed"]),
        .testTarget(name: "CatalogSQLiteTests", dependencies: ["CatalogSQLite"]),
        .testTarget(name: "CatalogKitTests", dependencies: ["CatalogKit", "CatalogSQLite"]),
        .testTarget(name: "CatalogSeedsTests", dependencies: ["CatalogSeeds", "CatalogKit"]),
        .testTarget(name: "CatalogCLITests", dependencies: ["catalog"]),
    ],
    swiftLanguageModes: [.v6]
)
