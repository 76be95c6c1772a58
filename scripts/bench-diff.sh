#!/usr/bin/env bash
# Speed of `planc diff` between two git revisions of a generated plan.
#
#   scripts/bench-diff.sh [TASKS]     (default: 10000)
#
# Generates a plan (examples/genplan.rs, seed 1) into a temporary git
# repository, commits it, lengthens the first effort by a day, commits
# again, then times RUNS (default 5) runs of
# `planc diff plan.plan --from HEAD~1 --to HEAD --format json`, and, for
# comparison, of `planc check` on the plan (one compile): the diff is two
# compiles, the git reads and the comparison. Prints the fastest run of
# each (on a busy machine the fastest is the one least disturbed) with its
# CPU time (user + system). Needs GNU time (`apt-get install -y time`).
set -euo pipefail

cd "$(dirname "$0")/.."
tasks="${1:-10000}"
runs="${RUNS:-5}"
cargo build --release --quiet --bin planc --example genplan
target="$(cd "${CARGO_TARGET_DIR:-target}/release" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
git init -q -b main
git config user.email bench@example.com
git config user.name bench
"$target/examples/genplan" "$tasks" 1 > plan.plan
git add plan.plan && git commit -q -m old
# One task a day longer: a change that moves part of the plan.
awk '!done && /effort [0-9]+d/ { match($0, /effort [0-9]+d/); n = substr($0, RSTART + 7, RLENGTH - 8) + 1;
     $0 = substr($0, 1, RSTART - 1) "effort " n "d" substr($0, RSTART + RLENGTH); done = 1 } { print }' \
  plan.plan > plan.new && mv plan.new plan.plan
git commit -q -am new

fastest() {
  local best_wall="" best_cpu=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S' -o t.txt "$@" > /dev/null 2> /dev/null || true
    read -r wall user sys < t.txt
    cpu=$(echo "$user + $sys" | bc)
    if [ -z "$best_wall" ] || [ "$(echo "$wall < $best_wall" | bc)" = 1 ]; then
      best_wall=$wall
      best_cpu=$cpu
    fi
  done
  echo "${best_wall}s wall, ${best_cpu}s CPU"
}

echo "tasks: $tasks, fastest of $runs runs"
echo "planc check (one compile):  $(fastest "$target/planc" check plan.plan)"
echo "planc diff (two revisions): $(fastest "$target/planc" diff plan.plan --from HEAD~1 --to HEAD --format json)"
"$target/planc" diff plan.plan --from HEAD~1 --to HEAD | head -3
