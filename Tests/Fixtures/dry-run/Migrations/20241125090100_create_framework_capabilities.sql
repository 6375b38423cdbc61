-- Capabilities a framework's description mentions besides its listed features (an admin
-- interface, an ORM, REST APIs, the MEAN stack, DRY, ...). They share the features vocabulary,
-- so "Microservices" is one record whether a framework lists it or only mentions it.
-- migrate:up
CREATE TABLE framework_capabilities (
    framework_id INTEGER NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
    feature_id   INTEGER NOT NULL REFERENCES features (id) ON DELETE CASCADE,
    PRIMARY KEY (framework_id, feature_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX framework_capabilities_feature_id ON framework_capabilities (feature_id, framework_id);

-- migrate:down
DROP TABLE framework_capabilities;
