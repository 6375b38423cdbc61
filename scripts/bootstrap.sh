#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build and test catalog: the SQLite headers and
# library (libsqlite3-dev), libyaml (libyaml-dev, the YAML seed reader), the sqlite3 shell (used
# by tests and benchmarks), flock(1) from util-linux (the lock tests), readelf and nm from binutils
# (the binary tests), make (make install), GNU time (the hostile-input tests' memory bound),
# libpq-dev and postgresql (the PostgreSQL backend and the throwaway server its tests run on),
# libedit-dev (catalog sql's line editor) and script(1) from bsdutils (the install test's terminal).
# Does nothing when everything is present.
set -euo pipefail

missing=()
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
[ -f /usr/include/yaml.h ] || missing+=(libyaml-dev)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
command -v flock >/dev/null 2>&1 || missing+=(util-linux)
command -v readelf >/dev/null 2>&1 || missing+=(binutils)  # the binary tests read what catalog links
command -v make >/dev/null 2>&1 || missing+=(make)  # make install
[ -x /usr/bin/time ] || missing+=(time)  # the hostile-input tests measure peak memory with it
[ -f /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)  # the PostgreSQL backend
[ -f /usr/include/histedit.h ] || missing+=(libedit-dev)  # catalog sql's prompt
command -v script >/dev/null 2>&1 || missing+=(bsdutils)  # the install test types at the prompt
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)  # the tests' throwaway server

if [ ${#missing[@]} -gt 0 ]; then
    echo "bootstrap: installing ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# sqlite3_error_offset (error positions) needs SQLite 3.38; Debian 12 ships 3.40.
version=$(sed -n 's/^#define SQLITE_VERSION_NUMBER *\([0-9]*\).*/\1/p' /usr/include/sqlite3.h)
if [ "${version:-0}" -lt 3038000 ]; then
    echo "bootstrap: catalog needs SQLite 3.38 or later; /usr/include/sqlite3.h is version ${version:-unknown}" >&2
    exit 1
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "bootstrap: the Swift toolchain (6.0 or later) is not on PATH; install it from swift.org first" >&2
    exit 1
fi
