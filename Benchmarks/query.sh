#!/usr/bin/env bash
# Times `catalog query --company X` against the sqlite3 CLI running the equivalent SQL on a
# synthetic catalog (200 languages, 2,000 frameworks, 5,000 features, 1,000,000 companies,
# 3,000,000 company links, 50,000 feature links), with hyperfine, alternating the two commands.
# Usage: Benchmarks/query.sh [companies]   (default 1000000; links are 3 per company)
# Results: printed, and the ratio is what docs/benchmarks.md records. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
companies=${1:-1000000}
work=Benchmarks/data
mkdir -p "$work"
db="$work/query-$companies.sqlite3"

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
swift build -c release --product catalog >/dev/null
catalog=$(swift build -c release --show-bin-path)/catalog
# The same binary with the Swift runtime and Foundation linked statically.
swift build -c release --product catalog --static-swift-stdlib --scratch-path .build-static >/dev/null
static=.build-static/release/catalog

if [ ! -f "$db" ]; then
    echo "generating $db ..." >&2
    "$catalog" migrate --database "$db" >/dev/null
    # Deterministic pseudo-random links: a multiplicative hash of the company id picks frameworks.
    sqlite3 "$db" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA cache_size = -1000000;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO languages (id, name) SELECT i, 'Language ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO frameworks (id, name, language_id, first_release_year, kind)
SELECT i, 'Framework ' || i, 1 + (i * 7) % 200, 1995 + i % 30, CASE i % 3 WHEN 0 THEN 'microframework' ELSE 'full-stack' END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO features (id, name) SELECT i, 'Feature ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $companies)
INSERT INTO companies (id, name) SELECT i, 'Company ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $companies)
INSERT OR IGNORE INTO framework_companies (framework_id, company_id)
SELECT 1 + (i * 2654435761 + k * 40503) % 2000, i FROM n, (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
INSERT OR IGNORE INTO framework_features (framework_id, feature_id) SELECT 1 + i % 2000, 1 + (i * 31) % 5000 FROM n;
COMMIT;
ANALYZE;
SQL
fi

name="Company $((companies / 2))"
sql="SELECT f.name, l.name, f.first_release_year, f.kind FROM frameworks AS f JOIN languages AS l ON l.id = f.language_id
WHERE f.id IN (SELECT framework_id FROM framework_companies WHERE company_id =
  (SELECT id FROM companies WHERE name = '$name' COLLATE NOCASE)) ORDER BY f.name COLLATE NOCASE"

echo "catalog answer:" && "$catalog" query --database "$db" --company "$name"
echo "sqlite3 answer:" && sqlite3 "$db" "$sql"
# hyperfine runs each command's runs together, so the whole comparison is run twice, in opposite
# orders, to expose drift of the machine's speed.
for order in forward backward; do
    commands=(
        -n sqlite3 "sqlite3 $db \"$sql\""
        -n catalog-static "$static query --database $db --company '$name'"
        -n catalog-dynamic "$catalog query --database $db --company '$name'"
        -n catalog-static-version "$static --version"
        -n catalog-static-json "$static query --database $db --company '$name' --format json"
    )
    if [ "$order" = backward ]; then
        reversed=()
        for ((i = ${#commands[@]} - 2; i >= 0; i -= 2)); do reversed+=("${commands[i]}" "${commands[i + 1]}"); done
        commands=("${reversed[@]}")
    fi
    hyperfine --warmup 5 --runs 40 -N "${commands[@]}" --export-markdown "$work/query-$order.md"
done
