#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server: initdb in a temporary folder (as the
# unprivileged user `nobody` when run as root, since the server refuses root), listening on a
# Unix socket in that folder (trust authentication: nothing else can reach the socket) and on a
# free loopback port (passwords required, scram-sha-256), no fsync. CATALOG_TEST_POSTGRES holds
# the libpq connection string the tests use (the socket), CATALOG_TEST_POSTGRES_TCP the loopback
# port's. The server is stopped and the folder removed at the end, failure or not.
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

# A free loopback port for TCP connections, which need a password (scram-sha-256): the tests of
# authentication use it. The Unix socket in $dir trusts its (only) user.
port=$((20000 + RANDOM % 20000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
"${as_server[@]}" "$bin/initdb" -D "$dir/data" --auth-local=trust --auth-host=scram-sha-256 --username=catalog --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
}
"${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || {
    cat "$dir/server.log" >&2
    exit 1
}
export CATALOG_TEST_POSTGRES="host=$dir port=$port user=catalog dbname=postgres"
# The same server over TCP, where a role needs its password.
export CATALOG_TEST_POSTGRES_TCP="host=127.0.0.1 port=$port dbname=postgres"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $dir" >&2
"$@"
