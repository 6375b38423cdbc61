-- Programming languages that frameworks are written in.
-- migrate:up
CREATE TABLE languages (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL COLLATE NOCASE,
    CONSTRAINT languages_name_unique UNIQUE (name)
) STRICT;

-- migrate:down
DROP TABLE languages;
