-- Features a framework offers ("Simple API", "Middleware support", ...), shared between frameworks.
-- migrate:up
CREATE TABLE features (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL COLLATE NOCASE,
    CONSTRAINT features_name_unique UNIQUE (name)
) STRICT;

-- migrate:down
DROP TABLE features;
