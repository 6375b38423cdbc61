#!/usr/bin/env bash
# Runs a command with throwaway PostgreSQL servers: initdb in a temporary folder (as the
# unprivileged user `nobody` when run as root, since the server refuses root), listening on a
# Unix socket in that folder (trust authentication: nothing else can reach the socket) and on a
# free loopback port (passwords required, scram-sha-256), no fsync. CATALOG_TEST_POSTGRES holds
# the libpq connection string the tests use (the socket), CATALOG_TEST_POSTGRES_TCP the loopback
# port's.
#
# Beside it, two more servers for the tests that need them:
# - a streaming hot standby of that server (pg_basebackup -R), read-only, on a socket of its own:
#   CATALOG_TEST_POSTGRES_STANDBY;
# - an independent cluster that a test may restart (restarting the main server would break the
#   tests running beside it): CATALOG_TEST_POSTGRES_RESTARTABLE, and CATALOG_TEST_POSTGRES_RESTART,
#   a script that restarts it at once (`pg_ctl restart -m immediate -w`) as the server's user.
# Every server is stopped and the folder removed at the end, failure or not.
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
    # All at once (each stop waits for its server to go).
    for data in standby data restartable; do
        if [ -f "$dir/$data/postmaster.pid" ]; then
            "${as_server[@]}" "$bin/pg_ctl" -D "$dir/$data" -m immediate stop >/dev/null 2>&1 &
        fi
    done
    wait || true
    rm -rf "$dir"
}
trap stop EXIT
# A signal ends the script through `exit`, so that the EXIT trap stops the servers.
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    echo "with-postgres: $1" >&2
    [ -n "${2:-}" ] && [ -f "$2" ] && cat "$2" >&2
    exit 1
}

# A loopback port nothing listens on and that no server here was given yet, in $free (not
# echoed: a $(...) subshell would lose the list of ports given).
taken=()
free_port() {
    free=$((20000 + RANDOM % 20000))
    while (exec 3<>"/dev/tcp/127.0.0.1/$free") 2>/dev/null || [[ " ${taken[*]:-} " == *" $free "* ]]; do
        free=$((free + 1))
    done
    taken+=("$free")
}

# Starts the cluster in folder $1 with the server options $2, its log in $3, waiting until it
# accepts connections; $4 names it in the error.
start_server() {
    "${as_server[@]}" "$bin/pg_ctl" -D "$1" -l "$3" -w -t 60 -o "$2" start >/dev/null || fail "$4 did not start" "$3"
}

# Settings for speed: these servers hold nothing worth a crash-safe write.
fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"

"${as_server[@]}" "$bin/initdb" -D "$dir/data" --auth-local=trust --auth-host=scram-sha-256 --username=catalog --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || fail "initdb failed" "$dir/initdb.log"
# The restartable cluster is a copy of the fresh, stopped one: a second initdb would cost seconds.
"${as_server[@]}" cp -a "$dir/data" "$dir/restartable" || fail "could not copy the cluster for the restartable server"

# A free loopback port for TCP connections, which need a password (scram-sha-256): the tests of
# authentication use it. The Unix socket in $dir trusts its (only) user.
free_port
port=$free
start_server "$dir/data" "-c listen_addresses=127.0.0.1 -p $port -k $dir $fast" "$dir/server.log" "the main server"
export CATALOG_TEST_POSTGRES="host=$dir port=$port user=catalog dbname=postgres"
# The same server over TCP, where a role needs its password.
export CATALOG_TEST_POSTGRES_TCP="host=127.0.0.1 port=$port dbname=postgres"

# The hot standby: a base backup of the main server over its socket (initdb's pg_hba.conf trusts
# local replication connections), with -R writing standby.signal and primary_conninfo, so it
# streams the primary's WAL from then on. Its socket is in a folder of its own (a socket's name
# holds only the port), and it listens on no TCP port.
"${as_server[@]}" mkdir "$dir/standby-socket" "$dir/restartable-socket"
free_port
standby_port=$free
"${as_server[@]}" "$bin/pg_basebackup" -h "$dir" -p "$port" -U catalog -D "$dir/standby" -R -X stream --no-sync \
    --checkpoint=fast >"$dir/basebackup.log" 2>&1 || fail "pg_basebackup of the main server failed" "$dir/basebackup.log"
start_server "$dir/standby" "-c listen_addresses= -p $standby_port -k $dir/standby-socket -c hot_standby=on $fast" \
    "$dir/standby.log" "the standby"
standby="host=$dir/standby-socket port=$standby_port user=catalog dbname=postgres"
# pg_ctl -w returns when the standby accepts connections; make sure it is one, streaming.
for _ in $(seq 1 600); do
    state=$("$bin/psql" "$standby" -XAtc "SELECT pg_is_in_recovery()" 2>/dev/null || true)
    [ "$state" = t ] && break
    sleep 0.1
done
[ "${state:-}" = t ] || fail "the standby does not answer as a server in recovery within 60 s" "$dir/standby.log"
export CATALOG_TEST_POSTGRES_STANDBY="$standby"

# The restartable server, and the script that restarts it at once (SIGQUIT to every server
# process, then crash recovery), as the server's user; pg_ctl restart reuses the options it was
# started with. Its log goes to a file: a server must not hold the caller's pipes open. It keeps
# synchronous_commit on: off, an immediate restart may lose a commit the client was told of, and
# the tests check that what was committed stays (fsync off only matters if the machine crashes).
free_port
restartable_port=$free
start_server "$dir/restartable" "-c listen_addresses= -p $restartable_port -k $dir/restartable-socket -c fsync=off" \
    "$dir/restartable.log" "the restartable server"
export CATALOG_TEST_POSTGRES_RESTARTABLE="host=$dir/restartable-socket port=$restartable_port user=catalog dbname=postgres"
restart="$dir/restart-server.sh"
{
    echo '#!/usr/bin/env bash'
    echo '# Restarts the throwaway server at once (-m immediate), waiting until it accepts connections.'
    echo 'set -euo pipefail'
    echo '# The server must not inherit the caller'"'"'s descriptors: a parent that waits for their end'
    echo '# (Foundation'"'"'s Process watches a socket its child holds) would wait for the server to stop.'
    echo 'for fd in /proc/$$/fd/*; do'
    echo '    fd=${fd##*/}'
    echo '    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi'
    echo 'done'
    printf 'exec %s %q -D %q -l %q -m immediate -w -t 60 restart </dev/null >/dev/null\n' \
        "${as_server[*]}" "$bin/pg_ctl" "$dir/restartable" "$dir/restartable.log"
} >"$restart"
chmod 755 "$restart"
export CATALOG_TEST_POSTGRES_RESTART="$restart"

echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $dir (primary, standby, restartable)" >&2
"$@"
