import CatalogKit

/// The difference between the database and the seed catalog, by natural key, and how to apply it.
///
/// Computed from one snapshot read inside the seeding transaction (or read-only for a dry run),
/// so the counts a dry run reports are the counts a real run produces.
struct SeedPlan {
    let catalog: SeedCatalog
    let prune: Bool

    // Snapshot of the database, keyed by folded name.
    private var languages: [String: Language] = [:]
    private var features: [String: Feature] = [:]
    private var companies: [String: Company] = [:]
    private var frameworks: [String: Framework] = [:]
    private var languageAliases: [String: Alias<Language>] = [:]
    private var frameworkAliases: [String: Alias<Framework>] = [:]
    private var companyAliases: [String: Alias<Company>] = [:]
    private var links: [LinkTable: Set<SeedCatalog.Link>] = [:]
    /// Language id -> folded name, for comparing frameworks' languages by natural key.
    private var languageKeys: [Int64: String] = [:]

    enum LinkTable: CaseIterable {
        case features, capabilities, companies

        var association: HasManyThrough<Framework, Feature>? {
            switch self {
            case .features: return Framework.features
            case .capabilities: return Framework.capabilities
            case .companies: return nil
            }
        }

        var name: String {
            switch self {
            case .features: return "framework_features"
            case .capabilities: return "framework_capabilities"
            case .companies: return "framework_companies"
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

    init(catalog: SeedCatalog, db: Connection, prune: Bool) throws {
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
        let frameworkNames = Self.names(frameworks)
        let featureNames = Self.names(features)
        let companyNames = Self.names(companies)
        for table in LinkTable.allCases {
            let others = table == .companies ? companyNames : featureNames
            var pairs: Set<SeedCatalog.Link> = []
            try db.cachedStatement(
                sql: "SELECT framework_id, \(table == .companies ? "company_id" : "feature_id") FROM \(table.name)"
            )
            .forEachRow { row in
                if let framework = frameworkNames[row.int64(at: 0)], let other = others[row.int64(at: 1)] {
                    pairs.insert(SeedCatalog.Link(framework: framework, other: other))
                }
            }
            links[table] = pairs
        }
    }

    private static func byName<Record>(_ records: [Record], _ name: KeyPath<Record, String>) -> [String: Record] {
        Dictionary(records.map { (fold($0[keyPath: name]), $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func names<Record: PersistableRecord>(_ records: [String: Record]) -> [Int64: String] {
        var names: [Int64: String] = [:]
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
        let desiredFrameworks = Set(catalog.frameworks.map { fold($0.name.value) })
        if prune { frameworkCounts.pruned = frameworks.keys.filter { !desiredFrameworks.contains($0) }.count }
        tables.append(frameworkCounts)
        tables.append(
            aliasCounts(
                "framework_aliases", catalog.frameworkEntities,
                frameworkAliases, owners: frameworks))
        for table in LinkTable.allCases {
            let desired = table.desired(catalog)
            let existing = links[table] ?? []
            var counts = SeedSummary.Counts(table: table.name)
            counts.inserted = desired.subtracting(existing).count
            counts.unchanged = desired.intersection(existing).count
            if prune { counts.pruned = existing.subtracting(desired).count }
            tables.append(counts)
        }
        return SeedSummary(tables: tables)
    }

    /// Counts for a table whose records are only a name; `existing` maps keys to stored spellings.
    private func nameCounts(_ table: String, _ entities: [SeedCatalog.Entity], existing: [String: String])
        -> SeedSummary.Counts
    {
        var counts = SeedSummary.Counts(table: table)
        for entity in entities {
            switch existing[fold(entity.name.value)] {
            case nil: counts.inserted += 1
            case entity.name.value: counts.unchanged += 1
            default: counts.updated += 1
            }
        }
        if prune {
            let wanted = Set(entities.map { fold($0.name.value) })
            counts.pruned = existing.keys.filter { !wanted.contains($0) }.count
        }
        return counts
    }

    private func aliasCounts<Owner>(
        _ table: String, _ entities: [SeedCatalog.Entity], _ existing: [String: Alias<Owner>],
        owners: [String: Owner]
    ) -> SeedSummary.Counts {
        var counts = SeedSummary.Counts(table: table)
        let ownerNames = Self.names(owners)
        var wanted: Set<String> = []
        for entity in entities {
            for alias in entity.aliases {
                let key = fold(alias.value)
                wanted.insert(key)
                guard let current = existing[key] else {
                    counts.inserted += 1
                    continue
                }
                let sameOwner = ownerNames[current.ownerID] == fold(entity.name.value)
                if sameOwner && current.alias == alias.value { counts.unchanged += 1 } else { counts.updated += 1 }
            }
        }
        if prune { counts.pruned = existing.keys.filter { !wanted.contains($0) }.count }
        return counts
    }

    private enum Change { case insert, update, none }

    private func frameworkChange(_ entry: SeedCatalog.FrameworkEntry) -> Change {
        guard let current = frameworks[fold(entry.name.value)] else { return .insert }
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
    func apply(_ db: Connection, progress: Seeder.Progress?) throws {
        let total = catalog.size
        var done = 0
        func step(_ count: Int = 1) {
            done += count
            if let progress, done % 1_000 == 0 || done == total { progress(min(done, total), total) }
        }

        // Links that go are removed first; records and aliases only after everything that
        // stays has been written, so an alias can move off a record that is pruned and a
        // framework can leave a language (ON DELETE RESTRICT) before that language goes.
        if prune {
            for table in LinkTable.allCases {
                let extra = (links[table] ?? []).subtracting(table.desired(catalog))
                try detach(extra, table: table, db)
            }
        }

        let languageIDs = try upsert(catalog.languages, existing: languages, make: { Language(name: $0) }, db, step)
        let featureIDs = try upsert(catalog.features, existing: features, make: { Feature(name: $0) }, db, step)
        let companyIDs = try upsert(catalog.companies, existing: companies, make: { Company(name: $0) }, db, step)

        var frameworkIDs: [String: Int64] = [:]
        for entry in catalog.frameworks {
            let key = fold(entry.name.value)
            guard let languageID = languageIDs[entry.language] else { continue }
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
            frameworkIDs[key] = framework.id
            step()
        }

        try upsertAliases(catalog.languages, existing: languageAliases, ids: languageIDs, db)
        try upsertAliases(catalog.companies, existing: companyAliases, ids: companyIDs, db)
        try upsertAliases(
            catalog.frameworkEntities,
            existing: frameworkAliases,
            ids: frameworkIDs, db)

        for table in LinkTable.allCases {
            let missing = table.desired(catalog).subtracting(links[table] ?? [])
            let others = table == .companies ? companyIDs : featureIDs
            var byFramework: [Int64: [Int64]] = [:]
            for link in missing {
                if let framework = frameworkIDs[link.framework], let other = others[link.other] {
                    byFramework[framework, default: []].append(other)
                }
            }
            for (framework, ids) in byFramework {
                try attach(ids, to: framework, table: table, db)
                step(ids.count)
            }
            step(table.desired(catalog).count - missing.count)
        }

        if prune {
            try pruneAliases(languageAliases, catalog.languages, db)
            try pruneAliases(companyAliases, catalog.companies, db)
            try pruneAliases(
                frameworkAliases, catalog.frameworkEntities,
                db)
            let keepFrameworks = Set(catalog.frameworks.map { fold($0.name.value) })
            for (key, framework) in frameworks where !keepFrameworks.contains(key) { try framework.delete(db) }
            try pruneRecords(companies, keep: catalog.companies, db)
            try pruneRecords(features, keep: catalog.features, db)
            try pruneRecords(languages, keep: catalog.languages, db)
        }
    }

    /// Inserts missing records and rewrites the ones whose spelling changed; returns every id by key.
    private func upsert<Record: PersistableRecord>(
        _ entities: [SeedCatalog.Entity], existing: [String: Record], make: (String) -> Record, _ db: Connection,
        _ step: (Int) -> Void
    ) throws -> [String: Int64] where Record: FetchableRecord {
        var ids: [String: Int64] = [:]
        for (key, record) in existing { if let id = record.id { ids[key] = id } }
        for entity in entities {
            let key = fold(entity.name.value)
            var record = make(entity.name.value)
            if let current = existing[key] {
                record.id = current.id
                if record.persistenceValues != current.persistenceValues { try record.update(db) }
            } else {
                try record.insert(db)
            }
            ids[key] = record.id
            step(1)
        }
        return ids
    }

    private func upsertAliases<Owner>(
        _ entities: [SeedCatalog.Entity], existing: [String: Alias<Owner>], ids: [String: Int64], _ db: Connection
    ) throws {
        for entity in entities {
            guard let ownerID = ids[fold(entity.name.value)] else { continue }
            for alias in entity.aliases {
                var record = Alias<Owner>(id: existing[fold(alias.value)]?.id, ownerID: ownerID, alias: alias.value)
                if let current = existing[fold(alias.value)] {
                    if current != record { try record.update(db) }
                } else {
                    try record.insert(db)
                }
            }
        }
    }

    private func pruneAliases<Owner>(
        _ existing: [String: Alias<Owner>], _ entities: [SeedCatalog.Entity], _ db: Connection
    ) throws {
        let wanted = Set(entities.flatMap { $0.aliases.map { fold($0.value) } })
        for (key, alias) in existing where !wanted.contains(key) { try alias.delete(db) }
    }

    private func pruneRecords<Record: PersistableRecord>(
        _ existing: [String: Record], keep: [SeedCatalog.Entity], _ db: Connection
    ) throws {
        let wanted = Set(keep.map { fold($0.name.value) })
        for (key, record) in existing where !wanted.contains(key) { try record.delete(db) }
    }

    private func attach(_ ids: [Int64], to frameworkID: Int64, table: LinkTable, _ db: Connection) throws {
        let framework = Framework(id: frameworkID, name: "", languageID: 0)
        if let association = table.association {
            try association.attach(ids, to: framework, db)
        } else {
            try Framework.companies.attach(ids, to: framework, db)
        }
    }

    private func detach(_ extra: Set<SeedCatalog.Link>, table: LinkTable, _ db: Connection) throws {
        let others = table == .companies ? companies.compactMapValues(\.id) : features.compactMapValues(\.id)
        var byFramework: [Int64: [Int64]] = [:]
        for link in extra {
            if let framework = frameworks[link.framework]?.id, let other = others[link.other] {
                byFramework[framework, default: []].append(other)
            }
        }
        for (frameworkID, ids) in byFramework {
            let framework = Framework(id: frameworkID, name: "", languageID: 0)
            if let association = table.association {
                try association.detach(ids, from: framework, db)
            } else {
                try Framework.companies.detach(ids, from: framework, db)
            }
        }
    }
}
