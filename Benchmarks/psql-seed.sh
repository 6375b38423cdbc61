#!/usr/bin/env bash
# The psql route for seeding PostgreSQL, the yardstick of `catalog seed` into PostgreSQL:
#
#   Benchmarks/psql-seed.sh DATA_DIR URL
#
# DATA_DIR holds bench-generate's CSV seed files (languages, features, companies, frameworks,
# framework_companies, framework_features); URL is a libpq connection string or URL of a database
# (and schema: PGOPTIONS='-c search_path=...') migrated from Migrations/postgresql/ and empty.
# In one transaction: \copy each CSV into a TEMP staging table (with its row number), ANALYZE
# them, then INSERT ... SELECT joins resolving names to ids, ignoring ASCII case as catalog does
# (lower(name COLLATE "C"), which the unique indexes serve), ids assigned in file order as catalog
# assigns them, links inserted in key order. The result holds the same rows as `catalog seed` of
# the same files into an empty database.
# Needs: psql.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: Benchmarks/psql-seed.sh DATA_DIR URL" >&2
    exit 2
fi
data=$(cd "$1" && pwd)
url=$2
for name in languages features companies frameworks framework_companies framework_features; do
    [ -f "$data/$name.csv" ] || {
        echo "psql-seed.sh: $data/$name.csv is missing" >&2
        exit 1
    }
done
# \copy reads a path up to the end of its line; single quotes in it would end the literal.
case "$data" in *"'"*)
    echo "psql-seed.sh: the data folder's path may not hold a single quote" >&2
    exit 1
    ;;
esac

psql "$url" --no-psqlrc --quiet --set ON_ERROR_STOP=1 <<SQL
BEGIN;
CREATE TEMP TABLE s_languages (ord bigint GENERATED ALWAYS AS IDENTITY, name text) ON COMMIT DROP;
CREATE TEMP TABLE s_features (ord bigint GENERATED ALWAYS AS IDENTITY, name text) ON COMMIT DROP;
CREATE TEMP TABLE s_companies (ord bigint GENERATED ALWAYS AS IDENTITY, name text) ON COMMIT DROP;
CREATE TEMP TABLE s_frameworks (ord bigint GENERATED ALWAYS AS IDENTITY, name text, language text,
    released text, kind text, architecture text, open_source text) ON COMMIT DROP;
CREATE TEMP TABLE s_framework_companies (framework text, company text) ON COMMIT DROP;
CREATE TEMP TABLE s_framework_features (framework text, feature text) ON COMMIT DROP;
\copy s_languages (name) FROM '$data/languages.csv' WITH (FORMAT csv, HEADER true)
\copy s_features (name) FROM '$data/features.csv' WITH (FORMAT csv, HEADER true)
\copy s_companies (name) FROM '$data/companies.csv' WITH (FORMAT csv, HEADER true)
\copy s_frameworks (name, language, released, kind, architecture, open_source) FROM '$data/frameworks.csv' WITH (FORMAT csv, HEADER true)
\copy s_framework_companies FROM '$data/framework_companies.csv' WITH (FORMAT csv, HEADER true)
\copy s_framework_features FROM '$data/framework_features.csv' WITH (FORMAT csv, HEADER true)
ANALYZE s_languages, s_features, s_companies, s_frameworks, s_framework_companies, s_framework_features;
INSERT INTO languages (name) SELECT name FROM s_languages ORDER BY ord;
INSERT INTO features (name) SELECT name FROM s_features ORDER BY ord;
INSERT INTO companies (name) SELECT name FROM s_companies ORDER BY ord;
INSERT INTO frameworks (name, language_id, first_release_year, kind, architecture_pattern, is_open_source)
SELECT s.name, l.id, CAST(NULLIF(s.released, '') AS bigint), s.kind, NULLIF(s.architecture, ''),
       CASE s.open_source WHEN 'false' THEN 0 ELSE 1 END
FROM s_frameworks AS s JOIN languages AS l ON lower(l.name COLLATE "C") = lower(s.language COLLATE "C")
ORDER BY s.ord;
INSERT INTO framework_companies (framework_id, company_id)
SELECT f.id, c.id FROM s_framework_companies AS s
JOIN frameworks AS f ON lower(f.name COLLATE "C") = lower(s.framework COLLATE "C")
JOIN companies AS c ON lower(c.name COLLATE "C") = lower(s.company COLLATE "C")
ORDER BY 1, 2;
INSERT INTO framework_features (framework_id, feature_id)
SELECT f.id, x.id FROM s_framework_features AS s
JOIN frameworks AS f ON lower(f.name COLLATE "C") = lower(s.framework COLLATE "C")
JOIN features AS x ON lower(x.name COLLATE "C") = lower(s.feature COLLATE "C")
ORDER BY 1, 2;
COMMIT;
SQL
