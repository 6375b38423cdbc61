#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server: initdb in a temporary folder (as the
# unprivileged user `nobody` when run as root, since the server refuses root), listening only on
# a Unix socket in that folder, trust authentication (nothing else can reach the socket), no
# fsync. CATALOG_TEST_POSTGRES holds the libpq connection string the tests use. The server is
# stopped and the folder removed at the end, failure or not.
#
#   scripts/with-postgres.sh swift test
#
# Without PostgreSQL installed (scripts/bootstrap.sh installs it) the command runs without a
# server, and the PostgreSQL tests say loudly that they were skipped.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "with-postgres: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); running without it" >&2
    exec "$@"
fi

dir=$(mktemp -d /tmp/catalog-pg.XXXXXX)
as_server=()
if [ "$(id -u)" -eq 0 ]; then
    chown nobody:nogroup "$dir"
    as_server=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
stop() {
    "${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

"${as_server[@]}" "$bin/initdb" -D "$dir/data" --auth=trust --username=catalog --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
}
"${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || {
    cat "$dir/server.log" >&2
    exit 1
}
export CATALOG_TEST_POSTGRES="host=$dir user=catalog dbname=postgres"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $dir" >&2
"$@"
