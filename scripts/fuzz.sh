#!/usr/bin/env bash
# Runs every fuzz target of tests/fuzz.rs for a bounded time, one after the
# other, then the regression inputs in tests/fuzz/.
#
#   scripts/fuzz.sh            # 60 s per target (what .ci/run uses)
#   FUZZ_SECONDS=600 scripts/fuzz.sh
#   FUZZ_SEED=1234 scripts/fuzz.sh   # repeat a run printed by a failure
#   FUZZ_RELEASE=1 scripts/fuzz.sh   # optimised build: more executions/s
#
# A crash or hang writes its input to target/fuzz-crash-<target>-<n>.plan
# (under $CARGO_TARGET_DIR when set) and fails; copy it into tests/fuzz/
# once fixed, so it is checked on every test run.
set -euo pipefail
cd "$(dirname "$0")/.."

export FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
profile=()
if [[ "${FUZZ_RELEASE:-0}" == 1 ]]; then
  profile=(--release)
fi

# One target at a time: each gets the whole machine and its own time box.
for target in fuzz_parser fuzz_checker fuzz_scheduler fuzz_renderers fuzz_regressions; do
  cargo test "${profile[@]}" --test fuzz -- --exact "$target" --nocapture --test-threads=1
done
