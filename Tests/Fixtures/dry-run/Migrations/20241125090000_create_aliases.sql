-- Other spellings of languages, frameworks and companies ("Rails", "Express.js", "Dropbox"), so
-- that queries match either. An alias belongs to one record and is unique among its kind.
-- migrate:up
CREATE TABLE language_aliases (
    id          INTEGER PRIMARY KEY,
    language_id INTEGER NOT NULL REFERENCES languages (id) ON DELETE CASCADE,
    alias       TEXT    NOT NULL COLLATE NOCASE,
    CONSTRAINT language_aliases_alias_unique UNIQUE (alias)
) STRICT;

CREATE INDEX language_aliases_language_id ON language_aliases (language_id);

CREATE TABLE framework_aliases (
    id           INTEGER PRIMARY KEY,
    framework_id INTEGER NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
    alias        TEXT    NOT NULL COLLATE NOCASE,
    CONSTRAINT framework_aliases_alias_unique UNIQUE (alias)
) STRICT;

CREATE INDEX framework_aliases_framework_id ON framework_aliases (framework_id);

CREATE TABLE company_aliases (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    alias      TEXT    NOT NULL COLLATE NOCASE,
    CONSTRAINT company_aliases_alias_unique UNIQUE (alias)
) STRICT;

CREATE INDEX company_aliases_company_id ON company_aliases (company_id);

-- migrate:down
DROP TABLE company_aliases;
DROP TABLE framework_aliases;
DROP TABLE language_aliases;
