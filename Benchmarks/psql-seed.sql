-- The psql route of Benchmarks/postgres.sh: the generated CSV seeds (SEEDS is replaced by their
-- folder) loaded as a person would with psql: \copy into TEMP staging tables, then INSERT ...
-- SELECT joins resolving names to ids (ignoring ASCII case, through the unique indexes), ids
-- assigned in file order as catalog seed assigns them, one transaction.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE s_languages (n bigserial, name text) ON COMMIT DROP;
CREATE TEMP TABLE s_features (n bigserial, name text) ON COMMIT DROP;
CREATE TEMP TABLE s_companies (n bigserial, name text) ON COMMIT DROP;
CREATE TEMP TABLE s_frameworks (n bigserial, name text, language text, released text, kind text,
    architecture text, open_source text) ON COMMIT DROP;
CREATE TEMP TABLE s_framework_companies (framework text, company text) ON COMMIT DROP;
CREATE TEMP TABLE s_framework_features (framework text, feature text) ON COMMIT DROP;
\copy s_languages (name) FROM 'SEEDS/languages.csv' WITH (FORMAT csv, HEADER true)
\copy s_features (name) FROM 'SEEDS/features.csv' WITH (FORMAT csv, HEADER true)
\copy s_companies (name) FROM 'SEEDS/companies.csv' WITH (FORMAT csv, HEADER true)
\copy s_frameworks (name, language, released, kind, architecture, open_source) FROM 'SEEDS/frameworks.csv' WITH (FORMAT csv, HEADER true)
\copy s_framework_companies FROM 'SEEDS/framework_companies.csv' WITH (FORMAT csv, HEADER true)
\copy s_framework_features FROM 'SEEDS/framework_features.csv' WITH (FORMAT csv, HEADER true)
-- Statistics for the joins below (temporary tables have none until analysed).
ANALYZE s_languages, s_features, s_companies, s_frameworks, s_framework_companies, s_framework_features;
INSERT INTO languages (name) SELECT name FROM s_languages ORDER BY n;
INSERT INTO features (name) SELECT name FROM s_features ORDER BY n;
INSERT INTO companies (name) SELECT name FROM s_companies ORDER BY n;
INSERT INTO frameworks (name, language_id, first_release_year, kind, architecture_pattern, is_open_source)
SELECT s.name, l.id, CAST(NULLIF(s.released, '') AS bigint), s.kind, NULLIF(s.architecture, ''),
       CASE s.open_source WHEN 'false' THEN 0 ELSE 1 END
FROM s_frameworks AS s JOIN languages AS l ON lower(l.name COLLATE "C") = lower(s.language COLLATE "C") ORDER BY s.n;
INSERT INTO framework_companies (framework_id, company_id)
SELECT f.id, c.id FROM s_framework_companies AS s
JOIN frameworks AS f ON lower(f.name COLLATE "C") = lower(s.framework COLLATE "C")
JOIN companies AS c ON lower(c.name COLLATE "C") = lower(s.company COLLATE "C") ORDER BY 1, 2;
INSERT INTO framework_features (framework_id, feature_id)
SELECT f.id, x.id FROM s_framework_features AS s
JOIN frameworks AS f ON lower(f.name COLLATE "C") = lower(s.framework COLLATE "C")
JOIN features AS x ON lower(x.name COLLATE "C") = lower(s.feature COLLATE "C") ORDER BY 1, 2;
COMMIT;
