#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (address sanitizer on) and runs each for a fixed time.
# Usage: scripts/fuzz.sh [seconds per target, default 10]
#        scripts/fuzz.sh --runs N   (N inputs per target from a fixed random seed: what CI runs, so that
#                                    a CI result is reproducible and a landing never fails by luck)
# Seeds: Tests/Fixtures/fuzz/<target>/ (committed). New inputs go to .build-fuzz/corpus/<target>/;
# a crash is saved to .build-fuzz/crashes/ and fails the script; make it a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--runs" ]; then
    limit=(-runs="${2:?--runs needs a number}" -seed=1)
    budget="$2 runs"
else
    limit=(-max_total_time="${1:-10}")
    budget="${1:-10} s"
fi
targets=(FuzzMigrationParser FuzzYAML FuzzJSON FuzzCSV FuzzSQLGuard FuzzNameMatching)
flags=(-Xswiftc -sanitize=fuzzer,address)

mkdir -p .build-fuzz
for target in "${targets[@]}"; do
    if ! swift build --package-path Fuzz --scratch-path .build-fuzz/build --product "$target" "${flags[@]}" \
        >".build-fuzz/$target.build.log" 2>&1; then
        grep -v "Cannot export local symbol" ".build-fuzz/$target.build.log" | tail -n 20
        echo "fuzz: $target does not build" >&2
        exit 1
    fi
    rm -f ".build-fuzz/$target.build.log"
done
bin=$(swift build --package-path Fuzz --scratch-path .build-fuzz/build "${flags[@]}" --show-bin-path)

total=0
for target in "${targets[@]}"; do
    mkdir -p ".build-fuzz/corpus/$target" .build-fuzz/crashes
    log=".build-fuzz/$target.log"
    if ! SWIFT_BACKTRACE=enable=no "$bin/$target" "${limit[@]}" -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix=.build-fuzz/crashes/"$target"- ".build-fuzz/corpus/$target" "Tests/Fixtures/fuzz/$target" \
        >"$log" 2>&1; then
        tail -n 30 "$log"
        echo "fuzz: $target found a crash (see .build-fuzz/crashes/)" >&2
        exit 1
    fi
    runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' || echo 0)
    total=$((total + runs))
    echo "fuzz: $target: $runs executions ($budget), no crash"
done
echo "fuzz: $total executions, 0 crashes"
