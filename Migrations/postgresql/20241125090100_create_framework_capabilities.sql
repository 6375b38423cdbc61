-- Capabilities a framework's description mentions besides its listed features. They share the
-- features vocabulary. (PostgreSQL; see ../ for SQLite.)
-- migrate:up
CREATE TABLE framework_capabilities (
    framework_id bigint NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
    feature_id   bigint NOT NULL REFERENCES features (id) ON DELETE CASCADE,
    PRIMARY KEY (framework_id, feature_id)
);

CREATE INDEX framework_capabilities_feature_id ON framework_capabilities (feature_id, framework_id);

-- migrate:down
DROP TABLE framework_capabilities;
