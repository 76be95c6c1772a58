#!/usr/bin/env bash
# planc against TaskJuggler on the same random plans (not run in CI).
#
#   scripts/compare-tj3.sh [SIZES...]     (default: 1000 5000)
#
# Generates each plan twice with examples/genplan.rs (seed 1): as .plan and
# as .tjp (one CSV report). Runs `planc build --format json` and `tj3`
# on them and prints wall and CPU times (planc: best of five runs) and the
# CPU-time ratio (a busy machine moves wall time, not CPU). Needs tj3 (Debian
# package `tj3`: apt-get install -y tj3) and GNU time.
set -euo pipefail

cd "$(dirname "$0")/.."
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
  sizes=(1000 5000)
fi
if ! command -v tj3 > /dev/null; then
  echo "needs tj3 (apt-get install -y tj3)" >&2
  exit 1
fi

cargo build --release --quiet --bin planc --example genplan
target="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/release"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# "wall cpu" seconds of a command (cpu = user + system), or "failed failed"
# (with its output kept on stderr).
seconds() {
  if /usr/bin/time -f '%e %U %S' "$@" > "$work/out.txt" 2> "$work/t.txt"; then
    tail -n 1 "$work/t.txt" | awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }'
  else
    grep -m 3 -i error "$work/out.txt" "$work/t.txt" >&2 || true
    echo "failed failed"
  fi
}

printf '%-8s %12s %12s %12s %12s %10s\n' tasks "planc wall" "planc CPU" "tj3 wall" "tj3 CPU" "CPU ratio"
for n in "${sizes[@]}"; do
  "$target/examples/genplan" "$n" 1 > "$work/p$n.plan"
  "$target/examples/genplan" "$n" 1 --tjp > "$work/p$n.tjp"
  # planc takes tens of milliseconds: the best of five runs (the first
  # also pays for loading the binary).
  pw=""; pc=""
  for _ in 1 2 3 4 5; do
    read -r w c < <(seconds "$target/planc" build "$work/p$n.plan" --format json -o "$work/out.json")
    pw=$(awk -v a="$pw" -v b="$w" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
    pc=$(awk -v a="$pc" -v b="$c" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
  done
  read -r tw tc < <(cd "$work" && seconds tj3 --no-color "p$n.tjp")
  ratio=$(awk -v a="$pc" -v b="$tc" 'BEGIN { if (a + 0 > 0) printf "%.0fx", b / a; else print "-" }')
  printf '%-8s %12s %12s %12s %12s %10s\n' "$n" "$pw" "$pc" "$tw" "$tc" "$ratio"
done
