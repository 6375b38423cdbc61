// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "catalog",
    products: [
        .library(name: "CatalogDatabase", targets: ["CatalogDatabase"]),
        .library(name: "CatalogSQLite", targets: ["CatalogSQLite"]),
        .library(name: "CatalogKit", targets: ["CatalogKit"]),
        .library(name: "CatalogSeeds", targets: ["CatalogSeeds"]),
        .library(name: "CatalogCLI", targets: ["CatalogCLI"]),
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
        // libpq, PostgreSQL's C client, from Debian's libpq-dev. Only CatalogPostgres imports it.
        .systemLibrary(
            name: "CLibPQ",
            providers: [.apt(["libpq-dev"])]
        ),
        // libyaml's event parser, from Debian's libyaml-dev. Only CatalogSeeds' YAMLReader imports it.
        .systemLibrary(
            name: "CYAML",
            providers: [.apt(["libyaml-dev"])]
        ),
        // libedit, the BSD line editor, from Debian's libedit-dev. Only CatalogLineEdit imports it.
        .systemLibrary(
            name: "CLibEdit",
            providers: [.apt(["libedit-dev"])]
        ),
        // Line editing and history for `catalog sql`'s prompt, over libedit loaded with dlopen
        // when the prompt opens (CLibEdit/shim.h).
        .target(name: "CatalogLineEdit", dependencies: ["CLibEdit"]),
        // The backend seam: values, rows, errors, the connection, dialect and migration-driver
        // protocols. No C library.
        .target(name: "CatalogDatabase"),
        // The SQLite backend: a thin, checked wrapper over the C API (Connection, Statement,
        // errors), its dialect and its migration driver.
        .target(name: "CatalogSQLite", dependencies: ["CSQLite", "CatalogDatabase"]),
        // The PostgreSQL backend over libpq, loaded with dlopen on first use (CLibPQ/shim.h):
        // connection, statements, dialect, errors, migration driver and script session.
        .target(name: "CatalogPostgres", dependencies: ["CLibPQ", "CatalogDatabase"]),
        // Everything else: migrations, ORM and models, queries, output formats.
        .target(name: "CatalogKit", dependencies: ["CatalogDatabase", "CatalogSQLite", "CatalogPostgres"]),
        // Seed files (YAML, JSON, CSV) and the seed loader.
        .target(name: "CatalogSeeds", dependencies: ["CatalogKit", "CYAML"]),
        // The project's Migrations/ and Seeds/ as Swift source, generated at build time.
        .target(name: "CatalogBuiltIns", dependencies: ["CatalogKit"], plugins: ["EmbedCatalogFiles"]),
        .plugin(name: "EmbedCatalogFiles", capability: .buildTool()),
        // The commands, as a library: the executable calls it, tests run it in-process.
        .target(
            name: "CatalogCLI",
            dependencies: [
                "CatalogKit", "CatalogSeeds", "CatalogBuiltIns", "CatalogLineEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "catalog", dependencies: ["CatalogCLI"]),
        .testTarget(name: "CatalogSQLiteTests", dependencies: ["CatalogSQLite"]),
        .testTarget(
            name: "CatalogPostgresTests",
            dependencies: ["CatalogPostgres", "CatalogKit", "CatalogSQLite", "CatalogSeeds"]),
        .testTarget(name: "CatalogKitTests", dependencies: ["CatalogKit", "CatalogSQLite"]),
        .testTarget(name: "CatalogSeedsTests", dependencies: ["CatalogSeeds", "CatalogKit", "CatalogSQLite"]),
        .testTarget(
            name: "CatalogCLITests", dependencies: ["CatalogCLI", "CatalogBuiltIns", "CatalogPostgres", "catalog"]),
    ],
    swiftLanguageModes: [.v6]
)
