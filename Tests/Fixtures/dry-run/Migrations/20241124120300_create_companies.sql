-- Companies known to use one or more frameworks.
-- migrate:up
CREATE TABLE companies (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL COLLATE NOCASE,
    CONSTRAINT companies_name_unique UNIQUE (name)
) STRICT;

-- migrate:down
DROP TABLE companies;
