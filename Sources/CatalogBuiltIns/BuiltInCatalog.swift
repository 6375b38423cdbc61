/// The project's own `Migrations/` and `Seeds/`, compiled into the binary so that `catalog`
/// works wherever it is copied.
///
/// The files themselves are in `BuiltInCatalog.migrations` (and `.postgresMigrations`, from
/// `Migrations/postgresql/`) and `BuiltInCatalog.seeds`, generated
/// at build time by the `EmbedCatalogFiles` plugin (`Plugins/EmbedCatalogFiles`) as Swift source:
/// no resource bundle, so nothing loads Foundation.
public enum BuiltInCatalog {}
