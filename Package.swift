// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "catalog",
    products: [
        .library(name: "CatalogKit", targets: ["CatalogKit"]),
        .executable(name: "catalog", targets: ["catalog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
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
        // The command-line shell over CatalogKit.
        .executableTarget(
            name: "catalog",
            dependencies: [
                "CatalogKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CatalogSQLiteTests", dependencies: ["CatalogSQLite"]),
        .testTarget(name: "CatalogKitTests", dependencies: ["CatalogKit", "CatalogSQLite"]),
        .testTarget(name: "CatalogCLITests", dependencies: ["catalog"]),
    ],
    swiftLanguageModes: [.v6]
)
