-- The two many-to-many links: framework <-> feature and framework <-> company. Each primary key
-- serves lookups from the framework side; the second index serves the other direction.
-- (PostgreSQL; see ../ for SQLite.)
-- migrate:up
CREATE TABLE framework_features (
    framework_id bigint NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
    feature_id   bigint NOT NULL REFERENCES features (id) ON DELETE CASCADE,
    PRIMARY KEY (framework_id, feature_id)
);

CREATE INDEX framework_features_feature_id ON framework_features (feature_id, framework_id);

CREATE TABLE framework_companies (
    framework_id bigint NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
    company_id   bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    PRIMARY KEY (framework_id, company_id)
);

CREATE INDEX framework_companies_company_id ON framework_companies (company_id, framework_id);

-- migrate:down
DROP TABLE framework_companies;
DROP TABLE framework_features;
