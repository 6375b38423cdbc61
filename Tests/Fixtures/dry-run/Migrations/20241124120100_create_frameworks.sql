-- Backend web frameworks; each is written in one language.
-- migrate:up
CREATE TABLE frameworks (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL COLLATE NOCASE,
    language_id          INTEGER NOT NULL REFERENCES languages (id) ON DELETE RESTRICT,
    first_release_year   INTEGER CHECK (first_release_year BETWEEN 1990 AND 2100),
    architecture_pattern TEXT,
    is_open_source       INTEGER NOT NULL DEFAULT 1 CHECK (is_open_source IN (0, 1)),
    kind                 TEXT    NOT NULL CHECK (kind IN ('full-stack', 'microframework')),
    description          TEXT,
    CONSTRAINT frameworks_name_unique UNIQUE (name)
) STRICT;

CREATE INDEX frameworks_language_id ON frameworks (language_id);

-- migrate:down
DROP TABLE frameworks;
