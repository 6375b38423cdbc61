#!/usr/bin/env bash
# The benchmark suite (issue 8). Run on demand, never in CI:
#
#   Benchmarks/run.sh [small|medium|large]        (default small)
#   Benchmarks/run.sh formats                      (only e) below, printed, docs untouched)
#
# 1. Builds release binaries: catalog (plain `swift build -c release`, scratch .build-release),
#    catalog linked fully statically (--static-swift-stdlib -Xswiftc -static-executable, scratch
#    .build-static) and the bench tools of this package (bench-generate, bench-ab,
#    bench-latency; scratch .build-bench). The main package's own .build is never touched.
# 2. Generates the synthetic catalog once into Benchmarks/data/<size>/seeds (CSV seed files,
#    deterministic; regenerated only when the stored seeds.sha256 no longer matches).
# 3. Runs, each comparison alternating its commands (A B A B ...) with bench-ab:
#    a) seed: `catalog seed` into a freshly migrated database vs. the sqlite3 CLI loading the
#       same CSVs (.import into TEMP staging tables, INSERT ... SELECT joins resolving names to
#       ids in file order, one transaction); both results are checked to hold the same rows;
#    b) query: `catalog query --company/--framework/--feature` as whole processes vs. sqlite3
#       running the equivalent SQL (answers checked equal first), plus bench-latency in-process;
#    c) migrate: 500 generated migration files, `catalog migrate` vs. sqlite3 running the same
#       SQL with the same ledger rows, one BEGIN IMMEDIATE ... COMMIT per migration;
#    d) start-up: `catalog --help` vs. `sqlite3 --version`;
#    e) seed formats: `catalog seed` of the same 100,000 companies as CSV, JSON and YAML
#       (generated once into Benchmarks/data/formats; the three databases are checked to hold the
#       same rows), and bench-parse timing the readers alone, with JSON arrays `[0,0,...]` of
#       25,000, 100,000 and 200,000 elements.
# 4. Writes docs/benchmarks.md (everything after the line `<!-- analysis -->` is kept) and
#    Benchmarks/data/<size>/results/ (bench-ab's TSV files, the raw printouts).
#
# Environment: CATALOG_SRC=DIR builds and measures the catalog package in DIR instead of this
# checkout (e.g. an exported commit while the working tree is being edited; its Migrations/ are
# used too); CATALOG_REV names that revision in the report. bench-latency always links the
# working tree's CatalogKit (this package depends on `..`). SQLITE_CACHE_KIB sets the sqlite3
# route's page cache (default 524288 KiB, the cache catalog seed gives a bulk load).
# Needs: swift, sqlite3 (scripts/bootstrap.sh installs it), sha256sum, awk.
set -euo pipefail

size=${1:-small}
case "$size" in
small | medium | formats) seed_pairs=5 ;;
large) seed_pairs=3 ;;
*)
    echo "usage: Benchmarks/run.sh [small|medium|large|formats]" >&2
    exit 2
    ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
src=$(cd "${CATALOG_SRC:-$root}" && pwd)
data=$root/Benchmarks/data/$size
work=$data/work
results=$data/results
cache_kib=${SQLITE_CACHE_KIB:-524288}
mkdir -p "$work" "$results"

log() { printf '\n== %s\n' "$*" >&2; }
die() {
    printf 'run.sh: FAILED: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------------
log "tools and builds"
command -v sqlite3 >/dev/null 2>&1 || "$root/scripts/bootstrap.sh"
command -v sha256sum >/dev/null 2>&1 || die "sha256sum is missing (coreutils)"

for product in bench-generate bench-ab bench-latency bench-parse; do
    swift build -c release --package-path "$root/Benchmarks" --scratch-path "$root/.build-bench" \
        --product "$product" >&2
done
bench=$root/.build-bench/release
swift build -c release --package-path "$src" --scratch-path "$root/.build-release" --product catalog >&2
catalog=$root/.build-release/release/catalog
migrations=$src/Migrations
rev=${CATALOG_REV:-$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)}
if [ -z "${CATALOG_REV:-}" ] && [ -n "$(git -C "$src" status --porcelain -- Sources Package.swift Migrations 2>/dev/null)" ]; then
    rev="$rev + uncommitted changes in Sources/"
fi

# Every table's row count and a checksum of its rows (all columns, sorted), one line per table.
# The ledger's applied_at and duration_ms are left out: they differ between any two runs.
digest() {
    local db=$1 table columns order
    for table in $(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name"); do
        if [ "$table" = schema_migrations ]; then
            columns="version, name, checksum, batch, sequence"
            order="1"
        else
            columns="*"
            order=$(seq -s, 1 "$(sqlite3 "$db" "SELECT count(*) FROM pragma_table_info('$table')")")
        fi
        printf '%s\t%s\t%s\n' "$table" "$(sqlite3 "$db" "SELECT count(*) FROM \"$table\"")" \
            "$(sqlite3 "$db" "SELECT $columns FROM \"$table\" ORDER BY $order" | sha256sum | cut -c1-16)"
    done
    printf 'schema\t-\t%s\n' "$(sqlite3 "$db" "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name" | sha256sum | cut -c1-16)"
}

same_contents() { # label db1 db2
    digest "$2" >"$work/$1-a.digest"
    digest "$3" >"$work/$1-b.digest"
    if ! diff "$work/$1-a.digest" "$work/$1-b.digest" >&2; then
        die "$1: the two databases differ (table, rows, checksum above)"
    fi
    if [ "$(wc -l <"$work/$1-a.digest")" -le 20 ]; then
        echo "$1: both databases hold the same rows (table, rows, checksum):" >&2
        column -t "$work/$1-a.digest" >&2 || cat "$work/$1-a.digest" >&2
    else
        echo "$1: both databases hold the same schema and rows ($(($(wc -l <"$work/$1-a.digest") - 1)) tables; $work/$1-a.digest)" >&2
    fi
}

# bench-ab's figures: field FIELD (median_ms, peak_rss_kb, ratio, ...) of command NAME in FILE.
field() {
    awk -F'\t' -v name="$2" -v field="$3" '
        NR == 1 { for (i = 1; i <= NF; i++) column[$i] = i; next }
        $1 == name { print $(column[field]) }' "$1"
}
mb() { awk -v kb="$1" 'BEGIN { printf "%.0f", kb / 1024 }'; }
# Milliseconds with 3 significant digits or whole, ratios with 2 decimals, counts with commas.
fmt_ms() { awk -v v="$1" 'BEGIN { printf (v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f"), v }'; }
fmt_ratio() { awk -v v="$1" 'BEGIN { printf "%.2f", v }'; }
commas() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }

verdict() { # value op limit
    if awk -v v="$1" -v l="$3" "BEGIN { exit !(v $2 l) }"; then echo "met"; else echo "**not met**"; fi
}
ms() { fmt_ms "$(field "$1" "$2" median_ms)"; }
ms_of() { fmt_ms "$(field "$1" "$2" "$3")"; }
ratio() { fmt_ratio "$(field "$1" "$2" ratio)"; }
rss() { mb "$(field "$1" "$2" peak_rss_kb)"; }
floor_mb() { mb "$(awk -F'\t' '$1 == "#floor_rss_kb" { print $2 }' "$1")"; }

# ---------------------------------------------------------------------------------------------
# e) seed formats: defined here, run after d) (or alone with `run.sh formats`).
formats() {
    log "e) seed formats: 100,000 companies as CSV, JSON and YAML"
    local fdata=$root/Benchmarks/data/formats stamp="bench-generate formats 100000, format 1" format
    if [ "$(cat "$fdata/stamp" 2>/dev/null)" != "$stamp" ]; then
        rm -rf "$fdata/csv" "$fdata/json" "$fdata/yaml"
        mkdir -p "$fdata"
        "$bench/bench-generate" formats 100000 "$fdata"
        echo "$stamp" >"$fdata/stamp"
    fi
    local ftemplate=$work/formats-template.sqlite3 frun=$work/formats-run.sqlite3
    rm -f "$ftemplate" "$ftemplate"-*
    "$catalog" migrate --migrations "$migrations" --database "$ftemplate" >/dev/null
    sqlite3 "$ftemplate" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
    rm -f "$ftemplate-lock" "$ftemplate-wal" "$ftemplate-shm"
    for format in csv json yaml; do
        rm -f "$work/formats-$format.sqlite3" "$work/formats-$format.sqlite3"-*
        cp "$ftemplate" "$work/formats-$format.sqlite3"
        "$catalog" seed --seeds "$fdata/$format" --database "$work/formats-$format.sqlite3" \
            --migrations "$migrations" >/dev/null
    done
    same_contents formats-json "$work/formats-csv.sqlite3" "$work/formats-json.sqlite3"
    same_contents formats-yaml "$work/formats-csv.sqlite3" "$work/formats-yaml.sqlite3"
    "$bench/bench-ab" --runs 5 --warmup 1 --tsv "$results/formats.tsv" \
        --before "rm -f '$frun' '$frun-wal' '$frun-shm' '$frun-lock' && cp '$ftemplate' '$frun'" \
        --name csv --name json --name yaml \
        -- "$catalog" seed --seeds "$fdata/csv" --database "$frun" --migrations "$migrations" \
        ::: "$catalog" seed --seeds "$fdata/json" --database "$frun" --migrations "$migrations" \
        ::: "$catalog" seed --seeds "$fdata/yaml" --database "$frun" --migrations "$migrations" |
        tee "$results/formats.txt"
    "$bench/bench-parse" --runs 3 "$fdata/csv/companies.csv" "$fdata/json/companies.json" \
        "$fdata/yaml/companies.yml" | tee "$results/parse.tsv"
}

# The section of docs/benchmarks.md for e), from results/formats.tsv and results/parse.tsv.
formats_report() {
    local tsv=$results/formats.tsv parse=$results/parse.tsv fdata=$root/Benchmarks/data/formats
    cat <<EOF
## e) Seed formats

The same 100,000 companies (every third with an alias) as one seed file each:
\`companies.csv\` ($(du -h "$fdata/csv/companies.csv" | cut -f1)), \`companies.json\` ($(du -h "$fdata/json/companies.json" | cut -f1), one record per
line) and \`companies.yml\` ($(du -h "$fdata/yaml/companies.yml" | cut -f1)), written by \`bench-generate formats 100000\`.
\`catalog seed\` of each into a migrated, empty database (reset before every run, untimed); the
three databases are checked to hold the same rows first. 5 rounds after 1 warm-up; "ratio" is
each format's time over CSV's in the same round. ($(date -u '+%Y-%m-%d'), catalog $rev,
\`Benchmarks/run.sh $size\`.)

| format | median | min | max | peak RSS | ratio to CSV |
|---|---|---|---|---|---|
| CSV | $(ms "$tsv" csv) ms | $(ms_of "$tsv" csv min_ms) ms | $(ms_of "$tsv" csv max_ms) ms | $(rss "$tsv" csv) MB | 1.00x |
| JSON | $(ms "$tsv" json) ms | $(ms_of "$tsv" json min_ms) ms | $(ms_of "$tsv" json max_ms) ms | $(rss "$tsv" json) MB | $(ratio "$tsv" json)x |
| YAML | $(ms "$tsv" yaml) ms | $(ms_of "$tsv" yaml min_ms) ms | $(ms_of "$tsv" yaml max_ms) ms | $(rss "$tsv" yaml) MB | $(ratio "$tsv" yaml)x |

JSON within 1.5x CSV: $(verdict "$(ratio "$tsv" json)" '<=' 1.5).

The readers alone, in-process (\`bench-parse\`, median of 3 runs): a JSON array \`[0,0,...]\` parsed
into nodes, a YAML or JSON seed file into nodes, a CSV file read record by record.

| input | bytes | elements or records | median | min |
|---|---|---|---|---|
$(awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s ms | %s ms |\n", $1, $2, $3, $4, $5 }' "$parse")
EOF
}

if [ "$size" = formats ]; then
    formats
    formats_report | tee "$results/formats.md"
    log "done: $results/formats.md"
    exit 0
fi

swift build -c release --package-path "$src" --scratch-path "$root/.build-static" --product catalog \
    --static-swift-stdlib -Xswiftc -static-executable >&2
static=$root/.build-static/release/catalog

# ---------------------------------------------------------------------------------------------
log "data set ($size)"
seeds=$data/seeds
if [ -f "$data/seeds.sha256" ] && (cd "$seeds" 2>/dev/null && sha256sum --quiet -c "$data/seeds.sha256"); then
    echo "seeds present and unchanged: $seeds" >&2
else
    rm -rf "$seeds"
    "$bench/bench-generate" "$size" "$seeds"
    (cd "$seeds" && sha256sum -- *.csv) >"$data/seeds.sha256"
fi
count_rows() { echo $(($(wc -l <"$seeds/$1.csv") - 1)); }

# ---------------------------------------------------------------------------------------------
log "a) seed: catalog seed vs. sqlite3 .import + INSERT ... SELECT"
template=$work/template.sqlite3
rm -f "$template" "$template"-*
"$catalog" migrate --migrations "$migrations" --database "$template" >/dev/null
sqlite3 "$template" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
rm -f "$template-lock" "$template-wal" "$template-shm"

# The sqlite3 route: the same PRAGMAs as catalog (foreign_keys ON, WAL, the page cache of a bulk
# load), staging tables in TEMP, ids assigned in file order as catalog does,
# link rows inserted in key order, everything in one transaction.
cat >"$work/load.sql" <<SQL
PRAGMA foreign_keys = ON;
PRAGMA journal_mode = WAL;
PRAGMA cache_size = -$cache_kib;
BEGIN IMMEDIATE;
CREATE TEMP TABLE s_languages (name TEXT);
CREATE TEMP TABLE s_features (name TEXT);
CREATE TEMP TABLE s_companies (name TEXT);
CREATE TEMP TABLE s_frameworks (name TEXT, language TEXT, released TEXT, kind TEXT, architecture TEXT, open_source TEXT);
CREATE TEMP TABLE s_framework_companies (framework TEXT, company TEXT);
CREATE TEMP TABLE s_framework_features (framework TEXT, feature TEXT);
.import --csv --skip 1 --schema temp '$seeds/languages.csv' s_languages
.import --csv --skip 1 --schema temp '$seeds/features.csv' s_features
.import --csv --skip 1 --schema temp '$seeds/companies.csv' s_companies
.import --csv --skip 1 --schema temp '$seeds/frameworks.csv' s_frameworks
.import --csv --skip 1 --schema temp '$seeds/framework_companies.csv' s_framework_companies
.import --csv --skip 1 --schema temp '$seeds/framework_features.csv' s_framework_features
INSERT INTO languages (name) SELECT name FROM temp.s_languages ORDER BY rowid;
INSERT INTO features (name) SELECT name FROM temp.s_features ORDER BY rowid;
INSERT INTO companies (name) SELECT name FROM temp.s_companies ORDER BY rowid;
INSERT INTO frameworks (name, language_id, first_release_year, kind, architecture_pattern, is_open_source)
SELECT s.name, l.id, CAST(NULLIF(s.released, '') AS INTEGER), s.kind, NULLIF(s.architecture, ''),
       CASE s.open_source WHEN 'false' THEN 0 ELSE 1 END
FROM temp.s_frameworks AS s JOIN languages AS l ON l.name = s.language ORDER BY s.rowid;
INSERT INTO framework_companies (framework_id, company_id)
SELECT f.id, c.id FROM temp.s_framework_companies AS s
JOIN frameworks AS f ON f.name = s.framework JOIN companies AS c ON c.name = s.company ORDER BY 1, 2;
INSERT INTO framework_features (framework_id, feature_id)
SELECT f.id, x.id FROM temp.s_framework_features AS s
JOIN frameworks AS f ON f.name = s.framework JOIN features AS x ON x.name = s.feature ORDER BY 1, 2;
COMMIT;
SQL

seeded=$data/seeded.sqlite3
check_sqlite=$work/check-sqlite3.sqlite3
rm -f "$seeded" "$seeded"-* "$check_sqlite" "$check_sqlite"-*
cp "$template" "$seeded"
cp "$template" "$check_sqlite"
"$catalog" seed --seeds "$seeds" --database "$seeded" --migrations "$migrations" >/dev/null
sqlite3 "$check_sqlite" ".read $work/load.sql" >/dev/null
same_contents seed "$seeded" "$check_sqlite"
for table in languages features companies frameworks framework_companies framework_features; do
    [ "$(sqlite3 "$seeded" "SELECT count(*) FROM $table")" = "$(count_rows "$table")" ] ||
        die "seed: $table does not hold the $(count_rows "$table") rows of $table.csv"
done

run=$work/run.sqlite3
"$bench/bench-ab" --runs "$seed_pairs" --warmup 1 --tsv "$results/seed.tsv" \
    --before "rm -f '$run' '$run-wal' '$run-shm' '$run-lock' && cp '$template' '$run'" \
    --name sqlite3 --name catalog \
    -- sqlite3 "$run" ".read $work/load.sql" \
    ::: "$catalog" seed --seeds "$seeds" --database "$run" --migrations "$migrations" | tee "$results/seed.txt"

# ---------------------------------------------------------------------------------------------
log "b) query: catalog query vs. sqlite3 with the equivalent SQL"
one() { sqlite3 "$seeded" "$1"; }
company=$(one "SELECT name FROM companies WHERE id = (SELECT min(company_id) FROM framework_companies
    WHERE company_id >= (SELECT max(id) / 2 FROM companies))")
framework=$(one "SELECT name FROM frameworks WHERE id = (SELECT max(id) / 2 FROM frameworks)")
feature=$(one "SELECT name FROM features WHERE id = (SELECT min(feature_id) FROM framework_features
    WHERE feature_id >= (SELECT max(id) / 2 FROM features))")
quote() { printf "'%s'" "${1//\'/\'\'}"; }
echo "names: company $company, framework $framework, feature $feature" >&2

frameworks_of() { # a subquery of framework ids
    printf "SELECT f.name, l.name, f.first_release_year, f.kind FROM frameworks AS f JOIN languages AS l ON l.id = f.language_id
WHERE f.id IN (%s) ORDER BY f.name COLLATE NOCASE" "$1"
}
company_sql=$(frameworks_of "SELECT framework_id FROM framework_companies WHERE company_id =
  (SELECT id FROM companies WHERE name = $(quote "$company") COLLATE NOCASE)")
feature_id="(SELECT id FROM features WHERE name = $(quote "$feature") COLLATE NOCASE)"
feature_sql=$(frameworks_of "SELECT framework_id FROM framework_features WHERE feature_id = $feature_id
  UNION SELECT framework_id FROM framework_capabilities WHERE feature_id = $feature_id")
# --framework NAME alone prints the framework's card: its row, language, aliases, features,
# capabilities and companies (each list sorted by name).
framework_id="(SELECT id FROM frameworks WHERE name = $(quote "$framework") COLLATE NOCASE)"
listing() { # table column joined-table
    printf "SELECT group_concat(name, ', ') FROM (SELECT x.name FROM %s AS link JOIN %s AS x ON x.id = link.%s
WHERE link.framework_id = %s ORDER BY x.name COLLATE NOCASE);" "$1" "$3" "$2" "$framework_id"
}
framework_sql="SELECT f.name, l.name, f.first_release_year, f.kind, f.architecture_pattern, f.is_open_source, f.description
FROM frameworks AS f JOIN languages AS l ON l.id = f.language_id WHERE f.id = $framework_id;
SELECT group_concat(alias, ', ') FROM (SELECT alias FROM framework_aliases WHERE framework_id = $framework_id ORDER BY alias COLLATE NOCASE);
$(listing framework_features feature_id features)
$(listing framework_capabilities feature_id features)
$(listing framework_companies company_id companies)"

# The answers must name the same frameworks in the same order.
for question in company framework feature; do
    name=${!question}
    sql_var=${question}_sql
    catalog_names=$("$catalog" query --database "$seeded" --migrations "$migrations" --"$question" "$name" \
        --format csv | tail -n +2 | cut -d, -f1)
    sqlite_names=$(sqlite3 "$seeded" "${!sql_var}" | awk -v n="$(echo "$catalog_names" | wc -l)" 'NR <= n' |
        cut -d'|' -f1)
    [ -n "$catalog_names" ] || die "query --$question $name: catalog found no framework"
    [ "$catalog_names" = "$sqlite_names" ] ||
        die "query --$question $name: catalog says $(echo "$catalog_names" | tr '\n' ' '), sqlite3 says $(echo "$sqlite_names" | tr '\n' ' ')"
    echo "query --$question: both answer $(echo "$catalog_names" | wc -l) framework(s): $(echo "$catalog_names" | awk 'NR <= 3' | tr '\n' ' ')" >&2
done

for question in company framework feature; do
    name=${!question}
    sql_var=${question}_sql
    echo "-- catalog query --$question $name" | tee "$results/query-$question.txt"
    "$bench/bench-ab" --runs 40 --warmup 5 --tsv "$results/query-$question.tsv" \
        --name sqlite3 --name catalog --name catalog-static \
        -- sqlite3 "$seeded" "${!sql_var}" \
        ::: "$catalog" query --database "$seeded" --migrations "$migrations" --"$question" "$name" \
        ::: "$static" query --database "$seeded" --migrations "$migrations" --"$question" "$name" |
        tee -a "$results/query-$question.txt"
done
"$bench/bench-latency" "$seeded" --company "$company" --framework "$framework" --feature "$feature" \
    --iterations 5000 --warmup 500 --tsv "$results/latency.tsv" | tee "$results/latency.txt"

# ---------------------------------------------------------------------------------------------
log "c) migrate: 500 migration files, catalog migrate vs. sqlite3"
mdir=$root/Benchmarks/data/migrations
mscript=$root/Benchmarks/data/migrations.sql
# Five kinds in turn, per group g of five: create a table, add a column, create an index, create
# a child table with a foreign key and its index, add a column and insert a row.
stamp="-- Benchmarks/run.sh migrations, format 2"
if [ "$(head -n 1 "$mscript" 2>/dev/null)" != "$stamp" ] || [ "$(find "$mdir" -name '*.sql' 2>/dev/null | wc -l)" -ne 500 ]; then
    rm -rf "$mdir"
    mkdir -p "$mdir"
    {
        echo "$stamp"
        echo "PRAGMA foreign_keys = ON;"
        echo "PRAGMA journal_mode = WAL;"
        echo "CREATE TABLE IF NOT EXISTS schema_migrations (
    version     TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    checksum    TEXT    NOT NULL,
    batch       INTEGER NOT NULL,
    sequence    INTEGER NOT NULL UNIQUE,
    applied_at  TEXT    NOT NULL,
    duration_ms INTEGER NOT NULL
) STRICT;"
    } >"$mscript.tmp"
    for i in $(seq 1 500); do
        g=$(((i - 1) / 5 + 1))
        version=$(printf '20250101%02d%02d%02d' $((i / 3600)) $((i / 60 % 60)) $((i % 60)))
        case $(((i - 1) % 5)) in
        0)
            name=create_t$g
            up="CREATE TABLE t$g (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL COLLATE NOCASE,
    created_at TEXT    NOT NULL DEFAULT '2025-01-01T00:00:00Z'
) STRICT;"
            down="DROP TABLE t$g;"
            ;;
        1)
            name=add_score_to_t$g
            up="ALTER TABLE t$g ADD COLUMN score INTEGER NOT NULL DEFAULT 0;"
            down="ALTER TABLE t$g DROP COLUMN score;"
            ;;
        2)
            name=index_t${g}_name
            up="CREATE INDEX t${g}_name ON t$g (name);"
            down="DROP INDEX t${g}_name;"
            ;;
        3)
            name=create_t${g}_items
            up="CREATE TABLE t${g}_items (
    id    INTEGER PRIMARY KEY,
    t_id  INTEGER NOT NULL REFERENCES t$g (id) ON DELETE CASCADE,
    label TEXT
) STRICT;

CREATE INDEX t${g}_items_t_id ON t${g}_items (t_id);"
            down="DROP TABLE t${g}_items;"
            ;;
        4)
            name=add_note_to_t$g
            up="ALTER TABLE t$g ADD COLUMN note TEXT;
INSERT INTO t$g (name, note) VALUES ('first row of t$g', 'written by a migration');"
            down="ALTER TABLE t$g DROP COLUMN note;"
            ;;
        esac
        file=$mdir/${version}_$name.sql
        printf -- '-- Generated by Benchmarks/run.sh (migration %d of 500).\n-- migrate:up\n%s\n\n-- migrate:down\n%s\n' \
            "$i" "$up" "$down" >"$file"
        checksum=$(sha256sum "$file" | cut -c1-64)
        # What catalog runs per migration (MigrationSteps.run), with the same ledger row.
        printf '%s\n' "PRAGMA foreign_keys = OFF;" "BEGIN IMMEDIATE;" "PRAGMA foreign_key_check;" "$up" \
            "PRAGMA foreign_key_check;" \
            "INSERT INTO schema_migrations (version, name, checksum, batch, sequence, applied_at, duration_ms)
VALUES ('$version', '$name', '$checksum', 1, (SELECT coalesce(max(sequence), 0) + 1 FROM schema_migrations), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 0);" \
            "COMMIT;" "PRAGMA foreign_keys = ON;" >>"$mscript.tmp"
    done
    mv "$mscript.tmp" "$mscript"
fi

mdb=$work/migrate.sqlite3
reset_mdb="rm -f '$mdb' '$mdb-wal' '$mdb-shm' '$mdb-lock'"
check_mdb=$work/check-migrate-sqlite3.sqlite3
rm -f "$check_mdb" "$check_mdb"-*
sh -c "$reset_mdb"
"$catalog" migrate --migrations "$mdir" --database "$mdb" >/dev/null
sqlite3 "$check_mdb" ".read $mscript" >/dev/null
same_contents migrate "$mdb" "$check_mdb"
[ "$(sqlite3 "$mdb" "SELECT count(*) FROM schema_migrations")" = 500 ] || die "migrate: not 500 ledger rows"

"$bench/bench-ab" --runs 5 --warmup 1 --tsv "$results/migrate.tsv" --before "$reset_mdb" \
    --name sqlite3 --name catalog \
    -- sqlite3 "$mdb" ".read $mscript" \
    ::: "$catalog" migrate --migrations "$mdir" --database "$mdb" | tee "$results/migrate.txt"

# ---------------------------------------------------------------------------------------------
log "d) start-up: catalog --help vs. sqlite3 --version"
"$bench/bench-ab" --runs 40 --warmup 5 --tsv "$results/startup.tsv" \
    --name sqlite3 --name catalog --name catalog-static \
    -- sqlite3 --version ::: "$catalog" --help ::: "$static" --help | tee "$results/startup.txt"

formats

# ---------------------------------------------------------------------------------------------
log "report: docs/benchmarks.md"

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
ram=$(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
swift_version=$(swift --version 2>/dev/null | awk 'NR == 1' | sed 's/^Swift version //')
sqlite_version=$(sqlite3 --version | awk '{ print $1 }')

seed_tsv=$results/seed.tsv
seed_ratio=$(ratio "$seed_tsv" catalog)
seed_rss=$(rss "$seed_tsv" catalog)

query_rows() {
    local question tsv
    for question in company framework feature; do
        tsv=$results/query-$question.tsv
        for build in catalog catalog-static; do
            printf '| `--%s` | %s | %s ms | %s ms | %s MB / %s MB | %sx | %s |\n' "$question" "$build" \
                "$(ms "$tsv" "$build")" "$(ms "$tsv" sqlite3)" "$(rss "$tsv" "$build")" "$(rss "$tsv" sqlite3)" \
                "$(ratio "$tsv" "$build")" "$(verdict "$(ratio "$tsv" "$build")" '<=' 2)"
        done
    done
}
latency_rows() {
    awk -F'\t' 'NR > 1 { met = ($6 < 1000) ? "met" : "**not met**"
        printf "| `%s` | %s | %s | %s | %s | %s | %s |\n", $1, $3, $4, $5, $6, $7, met }' "$results/latency.tsv"
}

analysis=""
if [ -f docs/benchmarks.md ] && grep -q '^<!-- analysis -->$' docs/benchmarks.md; then
    analysis=$(sed -n '/^<!-- analysis -->$/,$p' docs/benchmarks.md | tail -n +2)
fi

{
    cat <<EOF
# Benchmarks

Generated by \`Benchmarks/run.sh $size\` (run on demand, never in CI; the analysis at the end is
written by hand). Every comparison alternates its commands (A B A B ...) with \`bench-ab\`, which
starts each one directly (posix_spawn, no shell) and measures wall time (CLOCK_MONOTONIC) and
peak RSS (wait4's ru_maxrss); times are medians, and "ratio" is the median over rounds of catalog's
time divided by sqlite3's in the same round. This machine's speed drifts by about 25% over minutes,
so the ratios matter more than the milliseconds. Peak RSS cannot go below bench-ab's own memory
($(floor_mb "$seed_tsv") MB here: posix_spawn's child inherits its parent's high-water mark at exec), so small
figures mean "at most".

- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $(nproc) cores, ${cpu:-unknown CPU}, $ram RAM, $(uname -sr)
- Versions: Swift $swift_version; sqlite3 $sqlite_version; catalog $rev
- catalog builds: plain \`swift build -c release\` ("catalog") and fully static, \`--static-swift-stdlib -Xswiftc -static-executable\` ("catalog-static"); one executable each, with seeding built in (no helper executable); \`--migrations\` points both at the measured source's \`Migrations/\`

## Data set: $size

Generated by \`bench-generate $size\` (deterministic, SplitMix64): $(commas "$(count_rows languages)") languages,
$(commas "$(count_rows frameworks)") frameworks, $(commas "$(count_rows features)") features, $(commas "$(count_rows companies)") companies,
$(commas "$(count_rows framework_companies)") framework-company links and $(commas "$(count_rows framework_features)") framework-feature
links, as CSV seed files referring to each other by name ($(du -sh "$seeds" | cut -f1)); the seeded database
is $(du -h "$seeded" | cut -f1). Sizes: small = 1/100 of large, medium = 1/10, large = 2,000 frameworks,
5,000 features, 1,000,000 companies, 3,000,000 + 50,000 links; languages are 200 at every size.

## Targets

| target | figure | |
|---|---|---|
| seed (large) <= 0.6x the sqlite3 route | ${seed_ratio}x ($size) | $(verdict "$seed_ratio" '<=' 0.6) |
| seed peak RSS <= ~450 MB | $seed_rss MB ($size) | $(verdict "$seed_rss" '<=' 450) |
| query, whole process <= 2x sqlite3 (static build) | $(ratio "$results/query-company.tsv" catalog-static)x / $(ratio "$results/query-framework.tsv" catalog-static)x / $(ratio "$results/query-feature.tsv" catalog-static)x (company / framework / feature) | $(verdict "$(printf '%s\n' "$(ratio "$results/query-company.tsv" catalog-static)" "$(ratio "$results/query-framework.tsv" catalog-static)" "$(ratio "$results/query-feature.tsv" catalog-static)" | sort -g | tail -1)" '<=' 2) |
| query in-process p99 < 1 ms | $(awk -F'\t' 'NR > 1 { printf "%s%s", sep, $6; sep = " / " }' "$results/latency.tsv") us | $(verdict "$(awk -F'\t' 'NR > 1 && $6 > m { m = $6 } END { print m + 0 }' "$results/latency.tsv")" '<' 1000) |
| migrate 500 files <= 1.2x sqlite3 | $(ratio "$results/migrate.tsv" catalog)x | $(verdict "$(ratio "$results/migrate.tsv" catalog)" '<=' 1.2) |
| \`catalog --help\` <= 3x \`sqlite3 --version\` | $(ratio "$results/startup.tsv" catalog)x (static $(ratio "$results/startup.tsv" catalog-static)x) | $(verdict "$(ratio "$results/startup.tsv" catalog)" '<=' 3) (static: $(verdict "$(ratio "$results/startup.tsv" catalog-static)" '<=' 3)) |

## a) Seeding

\`catalog seed --seeds DIR --database RUN\` into a migrated, empty database (copied from a template
before every run, untimed) against the sqlite3 CLI loading the same CSV files into the same schema:
\`.import --csv\` into TEMP staging tables, then \`INSERT ... SELECT\` joins resolving names to ids
(ids in file order, as catalog assigns them; link rows in key order), one transaction, with
catalog's PRAGMAs (\`foreign_keys = ON\`, WAL) and a page cache of $cache_kib KiB (the cache catalog
gives a bulk load). Before timing, one run of each is checked to leave the same rows: row counts
and a SHA-256 of every table's sorted rows match. $seed_pairs rounds after 1 warm-up.

| command | median | min | max | peak RSS | ratio |
|---|---|---|---|---|---|
| sqlite3 route | $(ms "$seed_tsv" sqlite3) ms | $(ms_of "$seed_tsv" sqlite3 min_ms) ms | $(ms_of "$seed_tsv" sqlite3 max_ms) ms | $(rss "$seed_tsv" sqlite3) MB | 1.00x |
| \`catalog seed\` | $(ms "$seed_tsv" catalog) ms | $(ms_of "$seed_tsv" catalog min_ms) ms | $(ms_of "$seed_tsv" catalog max_ms) ms | $seed_rss MB | ${seed_ratio}x |

## b) Queries

Whole processes on the seeded database: \`catalog query --database DB --company "$company"\`,
\`--framework "$framework"\` (the framework's card: every detail, all its companies) and
\`--feature "$feature"\` against \`sqlite3 DB "<SQL>"\` with the equivalent statements (the same
joins, \`COLLATE NOCASE\` name lookups, sorted by name; for the card, the framework row and its
four lists). Both answers are checked to name the same frameworks first. 40 rounds after 5 warm-up.

| query | build | catalog | sqlite3 | peak RSS catalog / sqlite3 | ratio | <= 2x |
|---|---|---|---|---|---|---|
$(query_rows)

In-process (\`bench-latency\`: one read-only connection through CatalogKit, what each command loads;
5,000 answers each after 500 warm-up), microseconds:

| query | frameworks | p50 | p90 | p99 | max | p99 < 1 ms |
|---|---|---|---|---|---|---|
$(latency_rows)

## c) Migrations

500 generated migration files (\`Benchmarks/data/migrations\`, in turn: create a table, add a
column, create an index, create a child table with a foreign key and an index, add a column and
insert a row) applied to a new database: \`catalog migrate\` against the sqlite3 CLI running, from
one script prepared beforehand, what catalog runs per migration (\`PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE; PRAGMA foreign_key_check;\` the up section, \`PRAGMA foreign_key_check;\` the same
ledger row with the file's SHA-256, \`COMMIT\`). Checked first: same schema, same ledger rows
(but applied_at and duration_ms), same rows. 5 rounds after 1 warm-up.

| command | median | min | max | peak RSS | ratio |
|---|---|---|---|---|---|
| sqlite3 | $(ms "$results/migrate.tsv" sqlite3) ms | $(ms_of "$results/migrate.tsv" sqlite3 min_ms) ms | $(ms_of "$results/migrate.tsv" sqlite3 max_ms) ms | $(rss "$results/migrate.tsv" sqlite3) MB | 1.00x |
| \`catalog migrate\` | $(ms "$results/migrate.tsv" catalog) ms | $(ms_of "$results/migrate.tsv" catalog min_ms) ms | $(ms_of "$results/migrate.tsv" catalog max_ms) ms | $(rss "$results/migrate.tsv" catalog) MB | $(ratio "$results/migrate.tsv" catalog)x |

## d) Start-up

40 rounds after 5 warm-up.

| command | median | min | peak RSS | ratio |
|---|---|---|---|---|
| \`sqlite3 --version\` | $(ms "$results/startup.tsv" sqlite3) ms | $(ms_of "$results/startup.tsv" sqlite3 min_ms) ms | $(rss "$results/startup.tsv" sqlite3) MB | 1.00x |
| \`catalog --help\` | $(ms "$results/startup.tsv" catalog) ms | $(ms_of "$results/startup.tsv" catalog min_ms) ms | $(rss "$results/startup.tsv" catalog) MB | $(ratio "$results/startup.tsv" catalog)x |
| \`catalog --help\`, static | $(ms "$results/startup.tsv" catalog-static) ms | $(ms_of "$results/startup.tsv" catalog-static min_ms) ms | $(rss "$results/startup.tsv" catalog-static) MB | $(ratio "$results/startup.tsv" catalog-static)x |

$(formats_report)

<!-- analysis -->
EOF
    if [ -n "$analysis" ]; then printf '%s\n' "$analysis"; else printf '\n## Analysis\n\n(written by hand)\n'; fi
} >"$results/benchmarks.md"
cp "$results/benchmarks.md" docs/benchmarks.md
log "done: docs/benchmarks.md, raw figures in $results"
