import CatalogKit

/// The difference between the database and the seed catalog, by natural key, and how to apply it.
///
/// Computed from one snapshot read inside the seeding transaction (or read-only for a dry run),
/// so the counts a dry run reports are the counts a real run produces.
struct SeedPlan {
    let catalog: SeedCatalog
    let prune: Bool

    // Snapshot of the database, keyed by name ignoring ASCII case.
    private var languages: [NameKey: Language] = [:]
    private var features: [NameKey: Feature] = [:]
    private var companies: [NameKey: Company] = [:]
    private var frameworks: [NameKey: Framework] = [:]
    private var languageAliases: [NameKey: Alias<Language>] = [:]
    private var frameworkAliases: [NameKey: Alias<Framework>] = [:]
    private var companyAliases: [NameKey: Alias<Company>] = [:]
    /// Stored links between records the files name, by their places in the catalog.
    private var links: [Links: Set<SeedCatalog.Link>] = [:]
    /// Stored links to a record the files do not name (only `prune` touches them), by ids.
    private var strayLinks: [Links: [(framework: Int64, other: Int64)]] = [:]
    /// Language id -> name key, for comparing frameworks' languages by natural key.
    private var languageKeys: [Int64: NameKey] = [:]
    /// The stored id of each record of the catalog, by place (nil: not stored yet).
    private var storedFrameworkIDs: [Int64?] = []
    private var storedCompanyIDs: [Int64?] = []
    private var storedFeatureIDs: [Int64?] = []

    /// The link tables a seed fills, each from the framework's side.
    enum Links: CaseIterable {
        case features, capabilities, companies

        var table: LinkTable {
            switch self {
            case .features: return Framework.features.link
            case .capabilities: return Framework.capabilities.link
            case .companies: return Framework.companies.link
            }
        }

        func desired(_ catalog: SeedCatalog) -> Set<SeedCatalog.Link> {
            switch self {
            case .features: return catalog.frameworkFeatures
            case .capabilities: return catalog.frameworkCapabilities
            case .companies: return catalog.frameworkCompanies
            }
        }
    }

    init(catalog: SeedCatalog, db: any DatabaseConnection, prune: Bool) throws {
        self.catalog = catalog
        self.prune = prune
        languages = try Self.byName(Language.all().fetchAll(db), \.name)
        features = try Self.byName(Feature.all().fetchAll(db), \.name)
        companies = try Self.byName(Company.all().fetchAll(db), \.name)
        frameworks = try Self.byName(Framework.all().fetchAll(db), \.name)
        languageAliases = try Self.byName(Alias<Language>.all().fetchAll(db), \.alias)
        frameworkAliases = try Self.byName(Alias<Framework>.all().fetchAll(db), \.alias)
        companyAliases = try Self.byName(Alias<Company>.all().fetchAll(db), \.alias)
        languageKeys = Self.names(languages)
        storedFrameworkIDs = catalog.frameworks.map { frameworks[NameKey($0.name.value)]?.id }
        storedCompanyIDs = catalog.companies.map { companies[NameKey($0.name.value)]?.id }
        storedFeatureIDs = catalog.features.map { features[NameKey($0.name.value)]?.id }
        let frameworkPlaces = Self.places(storedFrameworkIDs)
        let companyPlaces = Self.places(storedCompanyIDs)
        let featurePlaces = Self.places(storedFeatureIDs)
        for table in Links.allCases {
            let others = table == .companies ? companyPlaces : featurePlaces
            var pairs: Set<SeedCatalog.Link> = []
            var strays: [(framework: Int64, other: Int64)] = []
            try table.table.forEachLink(db) { framework, other in
                if let frameworkPlace = frameworkPlaces[framework], let otherPlace = others[other] {
                    pairs.insert(SeedCatalog.Link(framework: frameworkPlace, other: otherPlace))
                } else {
                    strays.append((framework, other))
                }
            }
            links[table] = pairs
            strayLinks[table] = strays
        }
    }

    /// Stored id -> place in the catalog.
    private static func places(_ ids: [Int64?]) -> [Int64: Int32] {
        var places: [Int64: Int32] = [:]
        places.reserveCapacity(ids.count)
        for (place, id) in ids.enumerated() { if let id { places[id] = Int32(place) } }
        return places
    }

    private static func byName<Record>(_ records: [Record], _ name: KeyPath<Record, String>) -> [NameKey: Record] {
        Dictionary(records.map { (NameKey($0[keyPath: name]), $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func names<Record: PersistableRecord>(_ records: [NameKey: Record]) -> [Int64: NameKey] {
        var names: [Int64: NameKey] = [:]
        for (key, record) in records { if let id = record.id { names[id] = key } }
        return names
    }

    // MARK: - Counting

    var summary: SeedSummary {
        var tables: [SeedSummary.Counts] = []
        tables.append(nameCounts("languages", catalog.languages, existing: languages.mapValues(\.name)))
        tables.append(aliasCounts("language_aliases", catalog.languages, languageAliases, owners: languages))
        tables.append(nameCounts("features", catalog.features, existing: features.mapValues(\.name)))
        tables.append(nameCounts("companies", catalog.companies, existing: companies.mapValues(\.name)))
        tables.append(aliasCounts("company_aliases", catalog.companies, companyAliases, owners: companies))
        var frameworkCounts = SeedSummary.Counts(table: "frameworks")
        for entry in catalog.frameworks {
            switch frameworkChange(entry) {
            case .insert: frameworkCounts.inserted += 1
            case .update: frameworkCounts.updated += 1
            case .none: frameworkCounts.unchanged += 1
            }
        }
        let desiredFrameworks = Set(catalog.frameworks.map { NameKey($0.name.value) })
        if prune { frameworkCounts.pruned = frameworks.keys.filter { !desiredFrameworks.contains($0) }.count }
        tables.append(frameworkCounts)
        tables.append(
            aliasCounts(
                "framework_aliases", catalog.frameworkEntities,
                frameworkAliases, owners: frameworks))
        for table in Links.allCases {
            let desired = table.desired(catalog)
            let existing = links[table] ?? []
            var counts = SeedSummary.Counts(table: table.table.name)
            // Counted, not materialised: millions of links would mean millions-long sets.
            counts.unchanged = existing.isEmpty ? 0 : desired.reduce(0) { $0 + (existing.contains($1) ? 1 : 0) }
            counts.inserted = desired.count - counts.unchanged
            if prune { counts.pruned = existing.count - counts.unchanged + (strayLinks[table]?.count ?? 0) }
            tables.append(counts)
        }
        return SeedSummary(tables: tables)
    }

    /// Counts for a table whose records are only a name; `existing` maps keys to stored spellings.
    private func nameCounts(_ table: String, _ entities: [SeedCatalog.Entity], existing: [NameKey: String])
        -> SeedSummary.Counts
    {
        var counts = SeedSummary.Counts(table: table)
        for entity in entities {
            switch existing[NameKey(entity.name.value)] {
            case nil: counts.inserted += 1
            case entity.name.value: counts.unchanged += 1
            default: counts.updated += 1
            }
        }
        if prune {
            let wanted = Set(entities.map { NameKey($0.name.value) })
            counts.pruned = existing.keys.filter { !wanted.contains($0) }.count
        }
        return counts
    }

    private func aliasCounts<Owner>(
        _ table: String, _ entities: [SeedCatalog.Entity], _ existing: [NameKey: Alias<Owner>],
        owners: [NameKey: Owner]
    ) -> SeedSummary.Counts {
        var counts = SeedSummary.Counts(table: table)
        let ownerNames = Self.names(owners)
        var wanted: Set<NameKey> = []
        for entity in entities {
            for alias in entity.aliases {
                let key = NameKey(alias.value)
                wanted.insert(key)
                guard let current = existing[key] else {
                    counts.inserted += 1
                    continue
                }
                let sameOwner = ownerNames[current.ownerID] == NameKey(entity.name.value)
                if sameOwner && current.alias == alias.value { counts.unchanged += 1 } else { counts.updated += 1 }
            }
        }
        if prune { counts.pruned = existing.keys.filter { !wanted.contains($0) }.count }
        return counts
    }

    private enum Change { case insert, update, none }

    private func frameworkChange(_ entry: SeedCatalog.FrameworkEntry) -> Change {
        guard let current = frameworks[NameKey(entry.name.value)] else { return .insert }
        let languageKey = languageKeys[current.languageID]
        let same =
            current.name == entry.name.value && languageKey == entry.language
            && current.firstReleaseYear == entry.released && current.architecturePattern == entry.architecture
            && current.isOpenSource == entry.openSource && current.kind.rawValue == entry.kind
            && current.description == entry.description
        return same ? .none : .update
    }

    // MARK: - Applying

    /// Applies the plan on `db`, inside the caller's transaction.
    func apply(_ db: any DatabaseConnection, progress: Seeder.Progress?) throws {
        try db.bulkLoad(rows: catalog.size) { try applyChanges(db, progress: progress) }
    }

    private func applyChanges(_ db: any DatabaseConnection, progress: Seeder.Progress?) throws {
        let total = catalog.size
        var done = 0
        func step(_ count: Int = 1) {
            let before = done
            done += count
            if let progress, done / 1_000 != before / 1_000 { progress(.writing(rows: min(done, total), total: total)) }
        }
        progress?(.writing(rows: 0, total: total))
        // Links that go are removed first; records and aliases only after everything that
        // stays has been written, so an alias can move off a record that is pruned and a
        // framework can leave a language (ON DELETE RESTRICT) before that language goes.
        if prune {
            for table in Links.allCases {
                let extra = (links[table] ?? []).subtracting(table.desired(catalog))
                let others = table == .companies ? storedCompanyIDs : storedFeatureIDs
                var pairs = extra.compactMap { link -> (framework: Int64, other: Int64)? in
                    guard let framework = storedFrameworkIDs[Int(link.framework)], let other = others[Int(link.other)]
                    else { return nil }
                    return (framework, other)
                }
                pairs += strayLinks[table] ?? []
                try detach(pairs, table: table, db)
            }
        }

        let languageIDs = try upsert(catalog.languages, existing: languages, make: { Language(name: $0) }, db, step)
        let featureIDs = try upsert(catalog.features, existing: features, make: { Feature(name: $0) }, db, step)
        let companyIDs = try upsert(catalog.companies, existing: companies, make: { Company(name: $0) }, db, step)
        var languageIDsByKey: [NameKey: Int64] = [:]
        for (place, language) in catalog.languages.enumerated() {
            languageIDsByKey[NameKey(language.name.value)] = languageIDs[place]
        }

        var frameworkIDs: [Int64] = []
        if db.prefersBulkCopy {
            frameworkIDs = try copyFrameworks(languageIDsByKey, db, step)
        } else {
            frameworkIDs.reserveCapacity(catalog.frameworks.count)
            for entry in catalog.frameworks {
                let key = NameKey(entry.name.value)
                guard let languageID = languageIDsByKey[entry.language] else {
                    throw SeedSetupError.inconsistent(entry.name.value)
                }
                var framework = Framework(
                    id: frameworks[key]?.id, name: entry.name.value, languageID: languageID,
                    firstReleaseYear: entry.released, architecturePattern: entry.architecture,
                    isOpenSource: entry.openSource, kind: Framework.Kind(rawValue: entry.kind) ?? .fullStack,
                    description: entry.description)
                switch frameworkChange(entry) {
                case .insert: try framework.insert(db)
                case .update: try framework.update(db)
                case .none: break
                }
                guard let id = framework.id else { throw SeedSetupError.inconsistent(entry.name.value) }
                frameworkIDs.append(id)
                step()
            }
        }

        try upsertAliases(catalog.languages, existing: languageAliases, ids: languageIDs, db)
        try upsertAliases(catalog.companies, existing: companyAliases, ids: companyIDs, db)
        try upsertAliases(catalog.frameworkEntities, existing: frameworkAliases, ids: frameworkIDs, db)

        for table in Links.allCases {
            let desired = table.desired(catalog)
            let existing = links[table] ?? []
            let others = table == .companies ? companyIDs : featureIDs
            // In key order: each framework's links go into the primary key's B-tree side by side.
            // Ids are sorted as one packed word each (half the memory of pairs, a plain sort).
            var missing = ContiguousArray<UInt64>()
            missing.reserveCapacity(max(desired.count - existing.count, 0))
            for link in desired where !existing.contains(link) {
                missing.append(try Self.pack(frameworkIDs[Int(link.framework)], others[Int(link.other)]))
            }
            missing.sort()
            let insert = {
                if db.prefersBulkCopy {
                    try table.table.copyLinks(count: missing.count, db) { index in
                        step()
                        return (Int64(missing[index] >> 32), Int64(missing[index] & 0xFFFF_FFFF))
                    }
                    return
                }
                var start = 0
                while start < missing.count {
                    let framework = missing[start] >> 32
                    var end = start
                    while end < missing.count && missing[end] >> 32 == framework { end += 1 }
                    try attach(
                        missing[start..<end].map { Int64($0 & 0xFFFF_FFFF) }, to: Int64(framework), table: table, db)
                    step(end - start)
                    start = end
                }
            }
            // Many new links against few stored ones: build the reverse index once at the end,
            // rather than insert into it in random order.
            if missing.count >= Self.bulkThreshold && missing.count >= existing.count {
                try db.deferringIndexes(of: table.table.name, insert)
            } else {
                try insert()
            }
            step(desired.count - missing.count)
        }

        if prune {
            try pruneAliases(languageAliases, catalog.languages, db)
            try pruneAliases(companyAliases, catalog.companies, db)
            try pruneAliases(frameworkAliases, catalog.frameworkEntities, db)
            let keepFrameworks = Set(catalog.frameworks.map { NameKey($0.name.value) })
            for (key, framework) in frameworks where !keepFrameworks.contains(key) { try framework.delete(db) }
            try pruneRecords(companies, keep: catalog.companies, db)
            try pruneRecords(features, keep: catalog.features, db)
            try pruneRecords(languages, keep: catalog.languages, db)
        }
    }

    /// Two ids as one sortable word; ids beyond 32 bits (never made by a seed) are refused.
    private static func pack(_ framework: Int64, _ other: Int64) throws -> UInt64 {
        guard (0...Int64(UInt32.max)).contains(framework), (0...Int64(UInt32.max)).contains(other) else {
            throw SeedSetupError.inconsistent("link \(framework)-\(other)")
        }
        return UInt64(framework) << 32 | UInt64(other)
    }

    /// From this many new links a link table's secondary indexes are built once at the end.
    static let bulkThreshold = 10_000

    /// Inserts missing records and rewrites the ones whose spelling changed; returns the id of
    /// each entity, by place.
    private func upsert<Record: PersistableRecord>(
        _ entities: [SeedCatalog.Entity], existing: [NameKey: Record], make: (String) -> Record,
        _ db: any DatabaseConnection,
        _ step: (Int) -> Void
    ) throws -> [Int64] where Record: FetchableRecord {
        if db.prefersBulkCopy { return try copyUpsert(entities, existing: existing, make: make, db, step) }
        var ids: [Int64] = []
        ids.reserveCapacity(entities.count)
        let inserter = try Record.inserter(db)
        for entity in entities {
            let key = NameKey(entity.name.value)
            var record = make(entity.name.value)
            if let current = existing[key] {
                record.id = current.id
                if try record.persistenceValues() != current.persistenceValues() { try record.update(db) }
            } else {
                try inserter.insert(&record)
            }
            guard let id = record.id else { throw SeedSetupError.inconsistent(entity.name.value) }
            ids.append(id)
            step(1)
        }
        return ids
    }

    private func upsertAliases<Owner>(
        _ entities: [SeedCatalog.Entity], existing: [NameKey: Alias<Owner>], ids: [Int64], _ db: any DatabaseConnection
    ) throws {
        // New aliases are copied after the updates: an update keeps its alias's key, a new alias
        // has a key nothing stored has, so the order cannot matter to the unique index.
        var copied: [Alias<Owner>] = []
        for (place, entity) in entities.enumerated() {
            let ownerID = ids[place]
            for alias in entity.aliases {
                var record = Alias<Owner>(id: existing[NameKey(alias.value)]?.id, ownerID: ownerID, alias: alias.value)
                if let current = existing[NameKey(alias.value)] {
                    if current != record { try record.update(db) }
                } else if db.prefersBulkCopy {
                    copied.append(record)
                } else {
                    try record.insert(db)
                }
            }
        }
        _ = try copyNew(Alias<Owner>.self, count: copied.count, db, step: { _ in }, make: { copied[$0] })
    }

    // MARK: - Bulk copy

    /// `upsert` for a backend that prefers bulk copy: changed records are updated one by one
    /// (few), new ones copied at once with reserved ids.
    private func copyUpsert<Record: PersistableRecord>(
        _ entities: [SeedCatalog.Entity], existing: [NameKey: Record], make: (String) -> Record,
        _ db: any DatabaseConnection, _ step: (Int) -> Void
    ) throws -> [Int64] where Record: FetchableRecord {
        var ids = [Int64](repeating: 0, count: entities.count)
        var newPlaces: [Int] = []
        for (place, entity) in entities.enumerated() {
            guard let current = existing[NameKey(entity.name.value)] else {
                newPlaces.append(place)
                continue
            }
            var record = make(entity.name.value)
            record.id = current.id
            if try record.persistenceValues() != current.persistenceValues() { try record.update(db) }
            guard let id = record.id else { throw SeedSetupError.inconsistent(entity.name.value) }
            ids[place] = id
            step(1)
        }
        let newIDs = try copyNew(Record.self, count: newPlaces.count, db, step: step) {
            make(entities[newPlaces[$0]].name.value)
        }
        for (index, place) in newPlaces.enumerated() { ids[place] = newIDs[index] }
        return ids
    }

    /// The frameworks' loop of `applyChanges` for a backend that prefers bulk copy: new
    /// frameworks are copied at once with reserved ids. Returns each framework's id, by place.
    private func copyFrameworks(
        _ languageIDsByKey: [NameKey: Int64], _ db: any DatabaseConnection, _ step: (Int) -> Void
    ) throws -> [Int64] {
        var ids = [Int64](repeating: 0, count: catalog.frameworks.count)
        var added: [(place: Int, framework: Framework)] = []
        for (place, entry) in catalog.frameworks.enumerated() {
            guard let languageID = languageIDsByKey[entry.language] else {
                throw SeedSetupError.inconsistent(entry.name.value)
            }
            let framework = Framework(
                id: frameworks[NameKey(entry.name.value)]?.id, name: entry.name.value, languageID: languageID,
                firstReleaseYear: entry.released, architecturePattern: entry.architecture,
                isOpenSource: entry.openSource, kind: Framework.Kind(rawValue: entry.kind) ?? .fullStack,
                description: entry.description)
            switch frameworkChange(entry) {
            case .insert:
                added.append((place, framework))
                continue
            case .update: try framework.update(db)
            case .none: break
            }
            guard let id = framework.id else { throw SeedSetupError.inconsistent(entry.name.value) }
            ids[place] = id
            step(1)
        }
        let newIDs = try copyNew(Framework.self, count: added.count, db, step: step) { added[$0].framework }
        for (index, new) in added.enumerated() { ids[new.place] = newIDs[index] }
        return ids
    }

    /// Writes `count` new records, `make(index)` giving each, with ids reserved in one statement
    /// (`reserveIDs`) and the rows in one bulk copy (`copyRows`, the ids explicit); returns the
    /// ids, in order.
    private func copyNew<Record: PersistableRecord>(
        _ type: Record.Type, count: Int, _ db: any DatabaseConnection, step: (Int) -> Void,
        make: (Int) throws -> Record
    ) throws -> [Int64] {
        guard count > 0 else { return [] }
        let ids = try db.reserveIDs(count, in: Record.databaseTableName)
        guard ids.count == count else { throw SeedSetupError.inconsistent(Record.databaseTableName) }
        try db.copyRows(into: Record.databaseTableName, columns: Record.databaseColumns, count: count) {
            index, values in
            values[0] = .integer(ids[index])
            for (column, value) in try make(index).persistenceValues().enumerated() { values[column + 1] = value }
            step(1)
        }
        return ids
    }

    private func pruneAliases<Owner>(
        _ existing: [NameKey: Alias<Owner>], _ entities: [SeedCatalog.Entity], _ db: any DatabaseConnection
    ) throws {
        let wanted = Set(entities.flatMap { $0.aliases.map { NameKey($0.value) } })
        for (key, alias) in existing where !wanted.contains(key) { try alias.delete(db) }
    }

    private func pruneRecords<Record: PersistableRecord>(
        _ existing: [NameKey: Record], keep: [SeedCatalog.Entity], _ db: any DatabaseConnection
    ) throws {
        let wanted = Set(keep.map { NameKey($0.name.value) })
        for (key, record) in existing where !wanted.contains(key) { try record.delete(db) }
    }

    private func attach(_ ids: [Int64], to frameworkID: Int64, table: Links, _ db: any DatabaseConnection) throws {
        try table.table.attach(ids, toID: frameworkID, db)
    }

    private func detach(_ pairs: [(framework: Int64, other: Int64)], table: Links, _ db: any DatabaseConnection)
        throws
    {
        var byFramework: [Int64: [Int64]] = [:]
        for pair in pairs { byFramework[pair.framework, default: []].append(pair.other) }
        for (frameworkID, ids) in byFramework { try table.table.detach(ids, fromID: frameworkID, db) }
    }
}
