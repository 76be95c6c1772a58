#!/usr/bin/env bash
# Stability of levelled schedules under small edits (issue 17, item 4).
#
#   scripts/churn.sh [EDITS] [SEED] [--thorough]     (default: 200 1)
#
# Builds the churn and plan-generator examples in release mode, generates
# three 1,000-task plans (examples/genplan.rs, seeds 1-3) into a temporary
# directory, and runs examples/churn.rs on them and on every sample
# (samples/*.plan, samples/platform/main.plan): EDITS seeded single edits
# (lengthen a task by 1d, add a task at the end, add a dependency, in
# turn, on a plan drawn at random), each levelled before and after.
# Prints the share of tasks whose start moved although they neither depend
# on the edited task nor book a resource it or its dependants may book:
# median, mean and worst per kind of edit and overall. The same EDITS and
# SEED always give the same figures. Set CARGO_TARGET_DIR to use another
# target dir.
set -euo pipefail

cd "$(dirname "$0")/.."
edits="${1:-200}"
seed="${2:-1}"
extra=()
if [ "${3:-}" = "--thorough" ]; then
  extra=(--thorough)
fi
cargo build --release --quiet --example churn --example genplan
target="${CARGO_TARGET_DIR:-target}/release/examples"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for s in 1 2 3; do
  "$target/genplan" 1000 "$s" > "$tmp/gen1k-$s.plan"
done
"$target/churn" --edits "$edits" --seed "$seed" "${extra[@]}" \
  samples/*.plan samples/platform/main.plan "$tmp"/gen1k-*.plan
