#!/usr/bin/env bash
# The PostgreSQL benchmarks (issue 14). Run on demand, never in CI:
#
#   Benchmarks/postgres.sh [small|medium|large] [all|query]      (default small all)
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
#      COMMIT), from an empty database each time;
#   c) query (issue 15), on the article catalog (`catalog setup`) and on the generated one of a):
#      `catalog query --company X` as a whole process vs. `psql -c` with the equivalent SQL (both
#      answers checked to name the same frameworks first); the same question in-process
#      (bench-latency on one connection, p50/p99); 16 concurrent `catalog query` processes
#      (bench-clients) vs. `pgbench -f` with the equivalent SQL, keeping its connections and with
#      -C (a new connection per query). CATALOG_BEFORE=PATH adds another catalog binary to the
#      whole-process comparison (the build before a change).
# `query` runs c) alone (seeding the generated catalog once, untimed) and rewrites only its part of
# the section. Writes the section between `<!-- postgresql -->` and `<!-- /postgresql -->` of
# docs/benchmarks.md (Benchmarks/run.sh keeps it), c) between `<!-- postgresql-query -->` and
# `<!-- /postgresql-query -->` inside it, and Benchmarks/data/<size>/results/pg-*.
# Needs: swift, psql, pgbench and the server (scripts/bootstrap.sh installs them), sha256sum, awk.
set -euo pipefail

size=${1:-small}
parts=${2:-all}
case "$size:$parts" in
small:all | medium:all | small:query | medium:query | large:query) seed_pairs=5 ;;
large:all) seed_pairs=3 ;;
*)
    echo "usage: Benchmarks/postgres.sh [small|medium|large] [all|query]" >&2
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
for product in bench-generate bench-ab bench-latency bench-clients; do
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

if [ "$parts" = query ]; then
    log "the generated catalog ($size), seeded once for c)"
    admin -c "DROP DATABASE IF EXISTS bench_catalog WITH (FORCE)"
    "$catalog" migrate --database "$(url bench_catalog)" >/dev/null
    "$catalog" seed --seeds "$seeds" --database "$(url bench_catalog)" >/dev/null
else # a) and b)
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
fi # a) and b)

# ---------------------------------------------------------------------------------------------
log "c) query: catalog query vs. psql -c, in-process, 16 concurrent clients vs. pgbench"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
admin -c "DROP DATABASE IF EXISTS bench_article WITH (FORCE)"
"$catalog" setup --database "$(url bench_article)" >/dev/null
quote() { printf "'%s'" "${1//\'/\'\'}"; }
one() { psql -X -At -d "$(url "$1")" -c "$2"; }
# The generated catalog's company: the first with frameworks from the middle of the table.
big_company=$(one bench_catalog "SELECT name FROM companies WHERE id = (SELECT min(company_id) FROM framework_companies
    WHERE company_id >= (SELECT max(id) / 2 FROM companies))")
big_rows=$(one bench_catalog "SELECT (SELECT count(*) FROM companies) || ' companies, ' ||
    (SELECT count(*) FROM framework_companies) + (SELECT count(*) FROM framework_features) || ' links'")
# What `catalog query --company X` prints in its table: the frameworks the company uses with their
# language, by name ignoring ASCII case (catalog's name comparison on PostgreSQL).
company_sql() {
    printf '%s' "SELECT f.name, l.name AS language, f.first_release_year AS released, f.kind
FROM frameworks AS f JOIN languages AS l ON l.id = f.language_id
WHERE f.id IN (SELECT framework_id FROM framework_companies WHERE company_id =
  (SELECT id FROM companies WHERE lower(name COLLATE \"C\") = lower($(quote "$1") COLLATE \"C\")))
ORDER BY lower(f.name COLLATE \"C\")"
}
query_runs=40
# The psql program itself: Debian's /usr/bin/psql is a Perl wrapper choosing a version (about 100 ms).
psql_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/psql
[ -x "$psql_bin" ] || psql_bin=$(command -v psql)
client_seconds=10
query_bench() { # label database company
    local label=$1 db=$2 company=$3 sql catalog_names psql_names
    sql=$(company_sql "$company")
    catalog_names=$("$catalog" query --company "$company" --database "$(url "$db")" --format csv | tail -n +2 | cut -d, -f1)
    psql_names=$(psql -X -At -F, -d "$(url "$db")" -c "$sql" | cut -d, -f1)
    [ -n "$catalog_names" ] || die "query --company $company ($label): catalog found no framework"
    [ "$catalog_names" = "$psql_names" ] ||
        die "query --company $company ($label): catalog says $(echo "$catalog_names" | tr '\n' ' '), psql says $(echo "$psql_names" | tr '\n' ' ')"
    echo "$label: both answer $(echo "$catalog_names" | wc -l) framework(s) for $company" >&2
    echo "$catalog_names" | wc -l >"$work/pg-query-$label.frameworks"

    local names=(--name psql --name catalog) commands=(::: "$catalog" query --company "$company" --database "$(url "$db")")
    if [ -n "${CATALOG_BEFORE:-}" ]; then
        names+=(--name catalog-before)
        commands+=(::: "$CATALOG_BEFORE" query --company "$company" --database "$(url "$db")")
    fi
    "$bench/bench-ab" --runs "$query_runs" --warmup 5 --tsv "$results/pg-query-$label.tsv" "${names[@]}" \
        -- "$psql_bin" -X -d "$(url "$db")" -c "$sql" "${commands[@]}" | tee "$results/pg-query-$label.txt"

    "$bench/bench-latency" "$(url "$db")" --company "$company" --iterations 5000 --warmup 500 \
        --tsv "$results/pg-latency-$label.tsv" | tee "$results/pg-latency-$label.txt"

    "$bench/bench-clients" --clients 16 --seconds "$client_seconds" --warmup 1 --tsv "$results/pg-clients-$label.tsv" \
        -- "$catalog" query --company "$company" --database "$(url "$db")" | tee "$results/pg-clients-$label.txt"
    printf '%s;\n' "$sql" >"$work/pg-query-$label.sql"
    local mode flag
    for mode in keep new; do
        flag=()
        [ "$mode" = new ] && flag=(-C)
        rm -f "$work/pg-bench-$label-$mode".*
        (cd "$work" && pgbench -n "${flag[@]}" -f "pg-query-$label.sql" -c 16 -j 2 -T "$client_seconds" \
            -h "${pg[host]}" -p "${pg[port]}" -U "${pg[user]}" --log --log-prefix="pg-bench-$label-$mode" "$db") \
            >"$results/pg-pgbench-$label-$mode.txt" 2>&1 || { cat "$results/pg-pgbench-$label-$mode.txt" >&2; die "pgbench failed"; }
        # Each log line: client, transaction, latency (us), ...; runs, per second and percentiles.
        cat "$work/pg-bench-$label-$mode".* | awk '{ print $3 / 1000 }' | sort -g | awk -v seconds="$client_seconds" '
            { latency[NR] = $1 }
            END {
                n = NR
                split("0.5 0.9 0.99", fractions, " ")
                printf "%d\t%.1f", n, n / seconds
                for (i = 1; i <= 3; i++) { r = int(fractions[i] * n + 0.999999); if (r < 1) r = 1; printf "\t%.3f", latency[r] }
                printf "\t%.3f\n", latency[n]
            }' >"$results/pg-pgbench-$label-$mode.tsv"
        echo "pgbench ($mode connections): $(cat "$results/pg-pgbench-$label-$mode.tsv")" >&2
    done
}
query_bench article bench_article PayPal
query_bench generated bench_catalog "$big_company"

# ---------------------------------------------------------------------------------------------
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

log "report: docs/benchmarks.md (PostgreSQL section)"
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
server=$(psql -X -At -d "$(url postgres)" -c "SHOW server_version")
# Field $2 of the one line of a headerless TSV file.
col() { cut -f"$2" "$1"; }
# Field `name` of the one data line of a TSV file with a header.
tcol() { awk -F'\t' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } NR == 2 { print $(c[name]) }' "$1"; }
us_verdict() { awk -v v="$1" 'BEGIN { print (v < 1000 ? "met" : "**not met**") }'; }
before_note=""
[ -n "${CATALOG_BEFORE:-}" ] &&
    before_note=" \`catalog-before\` is ${CATALOG_BEFORE_LABEL:-$CATALOG_BEFORE}, in the same rounds."
query_section=$work/pg-query-section.md
{
    cat <<EOF
<!-- postgresql-query -->
### Queries

Generated by \`Benchmarks/postgres.sh $size $parts\` on $(date -u +%Y-%m-%d) (catalog $rev, PostgreSQL $server on this
machine over a Unix socket, the same server for every figure, in one run). The static binary. Load
average (1, 5, 15 min) $load_before before and $load_after after: the machine's 2 cores are
shared with other builds, so absolute times drift; the ratios are taken within rounds. Catalogs:
the article's (\`catalog setup\`) and the generated $size one ($big_rows).

| target | figure | |
|---|---|---|
| \`catalog query --company\` <= 1.5x \`psql -c\`, article catalog | $(ratio "$results/pg-query-article.tsv" catalog)x | $(verdict "$(ratio "$results/pg-query-article.tsv" catalog)" 1.5) |
| \`catalog query --company\` <= 1.5x \`psql -c\`, generated ($size) | $(ratio "$results/pg-query-generated.tsv" catalog)x | $(verdict "$(ratio "$results/pg-query-generated.tsv" catalog)" 1.5) |
| in-process p99 < 1 ms, article catalog | $(tcol "$results/pg-latency-article.tsv" p99_us) us | $(us_verdict "$(tcol "$results/pg-latency-article.tsv" p99_us)") |
| in-process p99 < 1 ms, generated ($size) | $(tcol "$results/pg-latency-generated.tsv" p99_us) us | $(us_verdict "$(tcol "$results/pg-latency-generated.tsv" p99_us)") |

Whole process: \`catalog query --company X --database URL\` (its table: the frameworks with their
language) against \`psql -X -d URL -c SQL\` with the equivalent statement (the same join, names
compared by \`lower(x COLLATE "C")\`, sorted by name), alternating with bench-ab, $query_runs rounds
after 5 warm-up; both answers were checked to name the same frameworks in the same order first.
Each process connects once (psql too). psql is \`$psql_bin\`, not Debian's
\`/usr/bin/psql\`, a Perl wrapper that costs about 100 ms more.$before_note

EOF
    if [ -n "${CATALOG_BEFORE:-}" ]; then
        echo "| catalog | company | frameworks | psql | catalog | peak RSS catalog / psql | ratio | catalog-before | ratio before |"
        echo "|---|---|---|---|---|---|---|---|---|"
    else
        echo "| catalog | company | frameworks | psql | catalog | peak RSS catalog / psql | ratio |"
        echo "|---|---|---|---|---|---|---|"
    fi
    for label in article generated; do
        company=PayPal
        [ "$label" = generated ] && company=$big_company
        t=$results/pg-query-$label.tsv
        printf '| %s | %s | %s | %s ms | %s ms | %s / %s MB | %sx |' "$label" "$company" \
            "$(cat "$work/pg-query-$label.frameworks")" "$(ms "$t" psql)" "$(ms "$t" catalog)" "$(mb "$t" catalog)" \
            "$(mb "$t" psql)" "$(ratio "$t" catalog)"
        if [ -n "${CATALOG_BEFORE:-}" ]; then printf ' %s ms | %sx |' "$(ms "$t" catalog-before)" "$(ratio "$t" catalog-before)"; fi
        printf '\n'
    done
    cat <<EOF

In-process (\`bench-latency URL --company X\`: one connection opened once through CatalogKit, the
statements \`catalog query\` runs, in a REPEATABLE READ transaction; 5,000 answers after 500
warm-up), microseconds:

| catalog | p50 | p90 | p99 | max | p99 < 1 ms |
|---|---|---|---|---|---|
EOF
    for label in article generated; do
        t=$results/pg-latency-$label.tsv
        printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$(tcol "$t" p50_us)" "$(tcol "$t" p90_us)" \
            "$(tcol "$t" p99_us)" "$(tcol "$t" max_us)" "$(us_verdict "$(tcol "$t" p99_us)")"
    done
    cat <<EOF

Sixteen clients at once against the one server, $client_seconds s each: \`bench-clients --clients 16\`
keeps 16 \`catalog query --company X\` processes running (each client starts the next when one
ends; 1 s of warm-up first), against \`pgbench -n -f query.sql -c 16 -j 2 -T $client_seconds\` with the
equivalent SQL, keeping its 16 connections, and with \`-C\` (a new connection per query). Latency
is per query: a whole process for catalog, a transaction as pgbench logs it (\`--log\`); "per s" is
queries completed per second. Not like for like: each catalog query pays a process start (a 30 MB
static binary, dlopen of libpq), a connection (a new server backend) and its prepared statements,
where pgbench keeps its connections and sends one simple query; \`pgbench -C\` pays a connection
per query too and is the fairer comparison. The clients and the server share the two cores.

| catalog | route | per s | p50 ms | p90 ms | p99 ms | max ms |
|---|---|---|---|---|---|---|
EOF
    for label in article generated; do
        c=$results/pg-clients-$label.tsv
        printf '| %s | 16 `catalog query` processes | %s | %s | %s | %s | %s |\n' "$label" "$(tcol "$c" per_second)" \
            "$(fmt_ms "$(tcol "$c" p50_ms)")" "$(fmt_ms "$(tcol "$c" p90_ms)")" "$(fmt_ms "$(tcol "$c" p99_ms)")" \
            "$(fmt_ms "$(tcol "$c" max_ms)")"
        for mode in new keep; do
            p=$results/pg-pgbench-$label-$mode.tsv
            how="pgbench -C (a connection per query)"
            [ "$mode" = keep ] && how="pgbench (16 kept connections)"
            printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$how" "$(col "$p" 2)" "$(fmt_ms "$(col "$p" 3)")" \
                "$(fmt_ms "$(col "$p" 4)")" "$(fmt_ms "$(col "$p" 5)")" "$(fmt_ms "$(col "$p" 6)")"
        done
    done
    echo "<!-- /postgresql-query -->"
} >"$query_section"
doc=$root/docs/benchmarks.md

if [ "$parts" = all ]; then # the whole section, c) inside it
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

$(cat "$query_section")
<!-- /postgresql -->
EOF
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
else
    # c) alone: its part of the section, put at the section's end the first time.
    grep -q '^<!-- /postgresql -->' "$doc" || die "docs/benchmarks.md has no PostgreSQL section: run all parts once"
    awk -v section="$query_section" '
        /^<!-- postgresql-query -->/ { skip = 1; next }
        /^<!-- \/postgresql-query -->/ { skip = 0; next }
        /^<!-- \/postgresql -->/ { if (last != "") print ""; while ((getline line < section) > 0) print line }
        !skip { print; last = $0 }' "$doc" >"$doc.tmp"
    mv "$doc.tmp" "$doc"
    cat "$query_section"
fi
log "done"
