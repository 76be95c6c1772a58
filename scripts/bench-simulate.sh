#!/usr/bin/env bash
# Speed of `planc simulate` (issue 21's targets, docs/performance.md):
#
#   scripts/bench-simulate.sh
#
# 1. 10,000 iterations of the largest sample (samples/software-release.plan),
#    levelled: target under 2 s on a 2-core machine.
# 2. 1,000 iterations of a generated 1,000-task plan with a `range` on every
#    leaf and a risk per 100 leaves (`genplan 1000 1 --ranges`), levelled:
#    target under 10 s.
#
# Each is run RUNS times (default 5); the fastest run is printed (on a busy
# machine the fastest is the one least disturbed) with its CPU time (user +
# system), which shows how much of the two cores it used. Needs GNU time.
set -euo pipefail

cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
cargo build --release --quiet --bin planc --example genplan
target="$(cd "${CARGO_TARGET_DIR:-target}/release" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$target/examples/genplan" 1000 1 --ranges > "$work/generated.plan"

fastest() {
  local best_wall="" best_cpu=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S' -o "$work/t.txt" "$@" > /dev/null 2> /dev/null || true
    read -r wall user sys < "$work/t.txt"
    cpu=$(echo "$user + $sys" | bc)
    if [ -z "$best_wall" ] || [ "$(echo "$wall < $best_wall" | bc)" = 1 ]; then
      best_wall=$wall
      best_cpu=$cpu
    fi
  done
  echo "${best_wall}s wall, ${best_cpu}s CPU"
}

echo "fastest of $runs runs, $(nproc) cores"
echo "software-release.plan, 10,000 iterations: $(fastest "$target/planc" simulate samples/software-release.plan -n 10000 -o "$work/a.json")"
echo "generated 1,000 tasks, 1,000 iterations:  $(fastest "$target/planc" simulate "$work/generated.plan" -n 1000 -o "$work/b.json")"
