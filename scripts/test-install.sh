#!/usr/bin/env bash
# Tests the README's install section: `make install` into a temporary prefix (and with DESTDIR),
# then the installed catalog answers the headline question from an empty folder with no
# repository nearby, a second run from another folder uses the same database, and the man page
# and the bash, zsh and fish completion scripts are in place. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() {
    echo "test-install: FAILED: $*" >&2
    exit 1
}

# The README's steps, exactly.
make install PREFIX="$prefix"

for file in bin/catalog share/man/man1/catalog.1 share/bash-completion/completions/catalog \
    share/zsh/site-functions/_catalog share/fish/vendor_completions.d/catalog.fish; do
    [ -s "$prefix/$file" ] || fail "make install did not install $file"
done
# The release binary is fully static: no dynamic linker, no Swift runtime or Foundation to find.
if readelf -d "$prefix/bin/catalog" | grep -q NEEDED; then
    fail "the installed catalog needs shared libraries: $(readelf -d "$prefix/bin/catalog" | grep NEEDED)"
fi
if nm "$prefix/bin/catalog" 2>/dev/null | grep -q 'FoundationInternationalization\|_FoundationICU\|10Foundation'; then
    fail "the installed catalog links Foundation"
fi
grep -q '^\.Nm catalog' "$prefix/share/man/man1/catalog.1" || fail "the man page does not name catalog"
grep -q 'company' "$prefix/share/man/man1/catalog.1" || fail "the man page lacks the query options"
if command -v man >/dev/null 2>&1; then
    man -l "$prefix/share/man/man1/catalog.1" 2>/dev/null | grep -q -- '--company' || fail "man cannot render the page"
fi
bash -n "$prefix/share/bash-completion/completions/catalog" || fail "the bash completion script does not parse"

# The main job from an empty folder, far from the repository, with a fresh HOME.
mkdir -p "$work/empty/one" "$work/empty/two" "$work/home"
run() {
    (cd "$1" && env -i HOME="$work/home" PATH=/usr/bin:/bin "$prefix/bin/catalog" query --company PayPal)
}
first=$(run "$work/empty/one" 2>"$work/stderr") || fail "catalog query failed: $(cat "$work/stderr")"
echo "$first"
echo "$first" | grep -q '^Express  *JavaScript' || fail "catalog query --company PayPal did not print Express"
grep -q "created $work/home/.local/share/catalog/catalog.sqlite3" "$work/stderr" ||
    fail "the first run did not create the per-user catalog: $(cat "$work/stderr")"
second=$(run "$work/empty/two" 2>"$work/stderr") || fail "the second run failed: $(cat "$work/stderr")"
[ "$second" = "$first" ] || fail "the second run answered differently"
[ ! -s "$work/stderr" ] || fail "the second run created another catalog: $(cat "$work/stderr")"
for folder in "$work/empty/one" "$work/empty/two"; do
    [ -z "$(ls -A "$folder")" ] || fail "catalog wrote into $folder: $(ls -A "$folder")"
done

# The static binary loads libedit on demand (dlopen) for catalog sql's prompt on a terminal:
# script(1) gives it one and types a statement and .quit (a line, which waits in the terminal
# while the statement runs; a Ctrl-D typed ahead would be taken by the terminal's own EOF).
prompt=$(cd "$work/empty/one" && printf 'SELECT 40 + 2 AS answer;\n.quit\n' | env -i HOME="$work/home" \
    PATH=/usr/bin:/bin TERM=xterm NO_COLOR=1 timeout 60 script -qefc "$prefix/bin/catalog sql" /dev/null 2>&1) ||
    fail "catalog sql at a terminal failed: $prompt"
echo "$prompt" | grep -q '^42' || fail "the prompt did not answer: $prompt"
if echo "$prompt" | grep -q 'line editing is off'; then fail "the static catalog could not load libedit: $prompt"; fi
[ -f "$work/home/.local/state/catalog/history" ] || fail "the prompt kept no history"
echo "test-install: the installed catalog's prompt edits lines (libedit) and keeps a history"

# The static binary loads libpq on demand (dlopen): with a server (scripts/with-postgres.sh sets
# CATALOG_TEST_POSTGRES), it creates a database there, migrates and seeds it, and answers.
if [ -n "${CATALOG_TEST_POSTGRES:-}" ]; then
    declare -A pg
    for pair in $CATALOG_TEST_POSTGRES; do pg[${pair%%=*}]=${pair#*=}; done
    url="postgresql://${pg[user]}@/catalog_install_$$?host=${pg[host]}&port=${pg[port]}"
    (cd "$work/empty/one" && env -i HOME="$work/home" PATH=/usr/bin:/bin "$prefix/bin/catalog" setup --database "$url") \
        >"$work/stdout" 2>"$work/stderr" || fail "catalog setup on PostgreSQL failed: $(cat "$work/stderr")"
    answer=$(cd "$work/empty/one" && env -i HOME="$work/home" PATH=/usr/bin:/bin "$prefix/bin/catalog" \
        query --company PayPal --database "$url" 2>"$work/stderr") ||
        fail "catalog query on PostgreSQL failed: $(cat "$work/stderr")"
    [ "$answer" = "$first" ] || fail "PostgreSQL answered differently: $answer"
    echo "test-install: the installed catalog answers from PostgreSQL as from SQLite"
elif [ -n "${CATALOG_REQUIRE_POSTGRES:-}" ]; then
    fail "CATALOG_REQUIRE_POSTGRES is set but no server is: run through scripts/with-postgres.sh"
fi

# DESTDIR stages the same tree under another root.
make install PREFIX=/usr/local DESTDIR="$work/stage" >/dev/null
[ -x "$work/stage/usr/local/bin/catalog" ] || fail "DESTDIR was not honoured"

echo "test-install: make install, the installed catalog and its man page and completions work"
