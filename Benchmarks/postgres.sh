#!/usr/bin/env bash
# The PostgreSQL benchmarks (issue 14). Run on demand, never in CI:
#
#   Benchmarks/postgres.sh [small|medium|large]      (default small)
#
# Starts a throwaway server (scripts/with-postgres.sh: a Unix socket, fsync off, on this machine)
# and compares, each pair alternating its commands (A B A B ...) with bench-ab:
#   a) seed: `catalog seed` of the generated CSV seeds into a freshly migrated database vs. the
#      psql route (Benchmarks/psql-seed.sql: \copy into TEMP staging tables, INSERT ... SELECT
#      joins resolving names to ids, one transaction); both databases are checked to hold the
#      same rows first;
#   b) migrate: the 500 generated migration files of Benchmarks/run.sh, rewritten for PostgreSQL
#      (bigint identity keys, no STRICT or NOCASE), `catalog migrate` vs. psql applying the same
#      SQL with the same ledger rows in one session (BEGIN; the migration; its ledger row;
#      COMMIT), from an empty database each time.
# Writes the section between `<!-- postgresql -->` and `<!-- /postgresql -->` of
# docs/benchmarks.md (Benchmarks/run.sh keeps it) and Benchmarks/data/<size>/results/pg-*.
# Needs: swift, psql and the server (scripts/bootstrap.sh installs them), sha256sum, awk.
set -euo pipefail

size=${1:-small}
case "$size" in
small | medium) seed_pairs=5 ;;
large) seed_pairs=3 ;;
*)
    echo "usage: Benchmarks/postgres.sh [small|medium|large]" >&2
    exit 2
    ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)

# Re-run inside a throwaway server.
if [ -z "${CATALOG_TEST_POSTGRES:-}" ]; then
    exec "$root/scripts/with-postgres.sh" "$0" "$@"
fi

cd "$root"
data=$root/Benchmarks/data/$size
work=$data/work
results=$data/results
mkdir -p "$work" "$results"
log() { printf '\n== %s\n' "$*" >&2; }
die() {
    printf 'postgres.sh: FAILED: %s\n' "$*" >&2
    exit 1
}

log "tools and builds"
for product in bench-generate bench-ab; do
    swift build -c release --package-path "$root/Benchmarks" --scratch-path "$root/.build-bench" \
        --product "$product" >&2
done
bench=$root/.build-bench/release
# The install build (fully static; libpq is loaded with dlopen when a URL is used).
swift build -c release --scratch-path "$root/.build-static" --product catalog \
    --static-swift-stdlib -Xswiftc -static-executable >&2
catalog=$root/.build-static/release/catalog
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain -- Sources Package.swift Migrations 2>/dev/null)" ]; then
    rev="$rev + uncommitted changes in Sources/"
fi

# The server of CATALOG_TEST_POSTGRES (keywords host, port, user), as URLs per database.
declare -A pg
for pair in $CATALOG_TEST_POSTGRES; do pg[${pair%%=*}]=${pair#*=}; done
url() { echo "postgresql://${pg[user]}@/$1?host=${pg[host]}&port=${pg[port]}"; }
admin() { psql -X -q -v ON_ERROR_STOP=1 -d "$(url postgres)" "$@"; }
fresh_db() { admin -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"; }
# Every table's row count and a checksum of its rows (sorted), the ledger without its times.
digest() {
    local db=$1 table columns
    for table in $(psql -X -At -d "$(url "$db")" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"); do
        columns="*"
        [ "$table" = schema_migrations ] && columns="version, name, checksum, batch, sequence"
        printf '%s\t%s\n' "$table" "$(psql -X -At -d "$(url "$db")" -c "SELECT $columns FROM \"$table\" ORDER BY 1" |
            sort | sha256sum | cut -c1-16)"
    done
    psql -X -At -d "$(url "$db")" -c "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' ORDER BY 1, 2" | sha256sum | cut -c1-16
}
same_contents() { # label db1 db2
    digest "$2" >"$work/pg-$1-a.digest"
    digest "$3" >"$work/pg-$1-b.digest"
    diff "$work/pg-$1-a.digest" "$work/pg-$1-b.digest" >&2 || die "$1: the two databases differ"
    echo "$1: both databases hold the same schema and rows ($(($(wc -l <"$work/pg-$1-a.digest") - 1)) tables)" >&2
}
field() {
    awk -F'\t' -v name="$2" -v field="$3" '
        NR == 1 { for (i = 1; i <= NF; i++) column[$i] = i; next }
        $1 == name { print $(column[field]) }' "$1"
}
fmt_ms() { awk -v v="$1" 'BEGIN { printf (v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f"), v }'; }
ms() { fmt_ms "$(field "$1" "$2" median_ms)"; }
ratio() { awk -v v="$(field "$1" "$2" ratio)" 'BEGIN { printf "%.2f", v }'; }
mb() { awk -v kb="$(field "$1" "$2" peak_rss_kb)" 'BEGIN { printf "%.0f", kb / 1024 }'; }
verdict() { awk -v v="$1" -v limit="$2" 'BEGIN { print (v <= limit ? "met" : "**not met**") }'; }

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

# ---------------------------------------------------------------------------------------------
log "a) seed: catalog seed vs. psql \\copy + INSERT ... SELECT"
sed "s|SEEDS|$seeds|g" "$root/Benchmarks/psql-seed.sql" >"$work/pg-load.sql"
admin -c "DROP DATABASE IF EXISTS bench_template WITH (FORCE)"
"$catalog" migrate --database "$(url bench_template)" >/dev/null
reset_seed="psql -X -q -d '$(url postgres)' -c 'DROP DATABASE IF EXISTS bench_seed WITH (FORCE)' -c 'CREATE DATABASE bench_seed TEMPLATE bench_template'"
for db in bench_catalog bench_psql; do admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE bench_template"; done
"$catalog" seed --seeds "$seeds" --database "$(url bench_catalog)" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$(url bench_psql)" -f "$work/pg-load.sql" >/dev/null
same_contents seed bench_catalog bench_psql
rows=$(psql -X -At -d "$(url bench_catalog)" -c "SELECT (SELECT count(*) FROM companies) || ' companies, ' ||
    (SELECT count(*) FROM framework_companies) + (SELECT count(*) FROM framework_features) || ' links'")

"$bench/bench-ab" --runs "$seed_pairs" --warmup 1 --tsv "$results/pg-seed.tsv" --before "$reset_seed" \
    --name psql --name catalog \
    -- psql -X -q -v ON_ERROR_STOP=1 -d "$(url bench_seed)" -f "$work/pg-load.sql" \
    ::: "$catalog" seed --seeds "$seeds" --database "$(url bench_seed)" | tee "$results/pg-seed.txt"

# ---------------------------------------------------------------------------------------------
log "b) migrate: 500 migration files, catalog migrate vs. psql"
sqlite_dir=$root/Benchmarks/data/migrations
[ "$(find "$sqlite_dir" -name '*.sql' 2>/dev/null | wc -l)" -eq 500 ] ||
    die "no 500 generated migrations in $sqlite_dir: run Benchmarks/run.sh small once"
mdir=$root/Benchmarks/data/migrations-postgresql
mscript=$root/Benchmarks/data/migrations-postgresql.sql
rm -rf "$mdir"
mkdir -p "$mdir"
cat >"$mscript" <<'SQL'
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     text   NOT NULL PRIMARY KEY,
    name        text   NOT NULL,
    checksum    text   NOT NULL,
    batch       bigint NOT NULL,
    sequence    bigint NOT NULL UNIQUE,
    applied_at  text   NOT NULL,
    duration_ms bigint NOT NULL
);
SQL
for source in "$sqlite_dir"/*.sql; do
    file=$mdir/$(basename "$source")
    sed -e 's/INTEGER PRIMARY KEY/bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY/' -e 's/INTEGER/bigint/g' \
        -e 's/ COLLATE NOCASE//' -e 's/) STRICT;/);/' -e 's/\bTEXT\b/text/g' "$source" >"$file"
    base=$(basename "$file" .sql)
    version=${base%%_*}
    name=${base#*_}
    checksum=$(sha256sum "$file" | cut -c1-64)
    up=$(awk '/^-- migrate:up/ { on = 1; next } /^-- migrate:down/ { on = 0 } on' "$file")
    printf '%s\n' "BEGIN;" "$up" \
        "INSERT INTO schema_migrations (version, name, checksum, batch, sequence, applied_at, duration_ms)
VALUES ('$version', '$name', '$checksum', 1, (SELECT coalesce(max(sequence), 0) + 1 FROM schema_migrations),
to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 0);" "COMMIT;" >>"$mscript"
done

for db in bench_m_catalog bench_m_psql; do fresh_db "$db"; done
"$catalog" migrate --migrations "$mdir" --database "$(url bench_m_catalog)" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$(url bench_m_psql)" -f "$mscript" >/dev/null
same_contents migrate bench_m_catalog bench_m_psql
[ "$(psql -X -At -d "$(url bench_m_catalog)" -c "SELECT count(*) FROM schema_migrations")" = 500 ] ||
    die "migrate: not 500 ledger rows"

reset_migrate="psql -X -q -d '$(url postgres)' -c 'DROP DATABASE IF EXISTS bench_m WITH (FORCE)' -c 'CREATE DATABASE bench_m'"
"$bench/bench-ab" --runs 5 --warmup 1 --tsv "$results/pg-migrate.tsv" --before "$reset_migrate" \
    --name psql --name catalog \
    -- psql -X -q -v ON_ERROR_STOP=1 -d "$(url bench_m)" -f "$mscript" \
    ::: "$catalog" migrate --migrations "$mdir" --database "$(url bench_m)" | tee "$results/pg-migrate.txt"

# ---------------------------------------------------------------------------------------------
log "report: docs/benchmarks.md (PostgreSQL section)"
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
server=$(psql -X -At -d "$(url postgres)" -c "SHOW server_version")
seed_ratio=$(ratio "$results/pg-seed.tsv" catalog)
migrate_ratio=$(ratio "$results/pg-migrate.tsv" catalog)
section=$work/pg-section.md
cat >"$section" <<EOF
<!-- postgresql -->
## PostgreSQL

Generated by \`Benchmarks/postgres.sh $size\` on $(date -u +%Y-%m-%d) (catalog $rev, PostgreSQL $server on
this machine over a Unix socket, fsync off, $(nproc) cores, $cpu). The static \`make install\` binary,
which loads libpq when given a URL. Data set $size: $rows.

| target | figure | |
|---|---|---|
| seed ($size) <= the psql route | $seed_ratio x | $(verdict "$seed_ratio" 1.0) |
| migrate 500 files <= 1.2x psql | $migrate_ratio x | $(verdict "$migrate_ratio" 1.2) |

Seed: \`catalog seed\` into a database migrated from the built-in PostgreSQL migrations (a copy of
a template, made before each run, untimed) against psql running Benchmarks/psql-seed.sql (\`\\copy\`
into TEMP staging tables, \`INSERT ... SELECT\` joins, one transaction); both databases were
checked to hold the same rows. $seed_pairs runs each after 1 warm-up, alternating.

| route | median | peak RSS | ratio |
|---|---|---|---|
| psql | $(ms "$results/pg-seed.tsv" psql) ms | $(mb "$results/pg-seed.tsv" psql) MB | 1.00x |
| \`catalog seed\` | $(ms "$results/pg-seed.tsv" catalog) ms | $(mb "$results/pg-seed.tsv" catalog) MB | ${seed_ratio}x |

Migrate: the 500 generated migrations rewritten for PostgreSQL, applied to an empty database
(dropped and created before each run, untimed): \`catalog migrate\` (advisory lock, ledger, one
transaction per migration) against psql running the same statements with the same ledger rows,
\`BEGIN; ...; COMMIT;\` per migration, in one session. 5 runs each after 1 warm-up.

| route | median | peak RSS | ratio |
|---|---|---|---|
| psql | $(ms "$results/pg-migrate.tsv" psql) ms | $(mb "$results/pg-migrate.tsv" psql) MB | 1.00x |
| \`catalog migrate\` | $(ms "$results/pg-migrate.tsv" catalog) ms | $(mb "$results/pg-migrate.tsv" catalog) MB | ${migrate_ratio}x |
<!-- /postgresql -->
EOF
doc=$root/docs/benchmarks.md
if grep -q '^<!-- postgresql -->' "$doc"; then
    awk -v section="$section" '
        /^<!-- postgresql -->/ { while ((getline line < section) > 0) print line; skip = 1; next }
        /^<!-- \/postgresql -->/ { skip = 0; next }
        !skip' "$doc" >"$doc.tmp"
    mv "$doc.tmp" "$doc"
else
    { echo; cat "$section"; } >>"$doc"
fi
cat "$section"
log "done"
