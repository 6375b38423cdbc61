#!/usr/bin/env bash
# The long versions of the reliability suites: kill -9 trials (default 500 per suite, on SQLite
# and, through scripts/with-postgres.sh, on a throwaway PostgreSQL server), as many
# seeds under three looping readers (ConcurrencyTests), the filter oracle over every combination
# of up to three filters, and fuzzing (default 300 s per target).
# Prints kills, trials and violations; docs/reliability.md records the figures.
# Usage: scripts/soak.sh [trials] [fuzz seconds per target]
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-500}
fuzz_seconds=${2:-300}
seed=${CATALOG_KILL_SEED:-$(date +%s)}
echo "soak: $trials kill trials per suite, seed $seed"
swift build --build-tests >/dev/null
CATALOG_KILL_TRIALS=$trials CATALOG_KILL_SEED=$seed scripts/with-postgres.sh swift test --skip-build --filter KillTests 2>&1 \
    | grep -E "kill trials|✘|Test run"
CATALOG_READER_TRIALS=$trials swift test --skip-build --filter readersNeverSeeAPartialSeed 2>&1 \
    | grep -E "reader trials|✘|Test run"
# Every combination of up to three filters against the seed-file oracle (CI checks 1 in 16 triples).
CATALOG_ORACLE_STRIDE=1 swift test --skip-build --filter FilterOracleTests 2>&1 | grep -E "filter oracle|✘|Test run"
scripts/fuzz.sh "$fuzz_seconds"
