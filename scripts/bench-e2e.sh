#!/usr/bin/env bash
# End-to-end speed of `planc build --format json` on generated plans.
#
#   scripts/bench-e2e.sh [SIZES...]     (default: 1000 10000 100000 1000000)
#   scripts/bench-e2e.sh --shapes [SIZES...]     (default: 10000 100000)
#   SHAPE=one scripts/bench-e2e.sh [SIZES...]
#
# `--shapes` runs the table once per contention shape of the generator
# (one, five, team, anyof, chains, hours, offcal, elapsed, mixed: a few
# people sharing many tasks, `genplan --shape`); SHAPE runs one of them.
# PLANC_ARGS adds arguments to `planc build` (e.g. PLANC_ARGS=--no-level).
#
# Builds planc and the plan generator in release mode, generates one plan
# per size (examples/genplan.rs, seed 1; above 500,000 tasks as a main file
# with includes of 100,000 tasks each) into a temporary directory, and
# runs planc RUNS times per size (default 3) under /usr/bin/time -v, in
# rounds that take each size in turn, each run writing a new output file
# (the one before is removed and the disk synced between runs, so that no
# run pays for another's writeback). Prints per size the fastest run's
# wall time, the median wall time, the fastest run's CPU time (user +
# system: what counts on a busy machine) and peak memory (max RSS). Ends
# with the growth in (fastest) wall time from each size to the largest,
# beside what n log n growth would be. Set CARGO_TARGET_DIR to use another
# target dir.
# Needs GNU time: `apt-get install -y time`.
set -euo pipefail

cd "$(dirname "$0")/.."
if [ "${1:-}" = "--shapes" ]; then
  shift
  [ $# -gt 0 ] || set -- 10000 100000
  for shape in one five team anyof chains hours offcal elapsed mixed; do
    echo "== shape $shape"
    SHAPE=$shape "$0" "$@"
  done
  exit 0
fi
shape_args=()
if [ -n "${SHAPE:-}" ]; then
  shape_args=(--shape "$SHAPE")
fi
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
  sizes=(1000 10000 100000 1000000)
fi
if [ ! -x /usr/bin/time ]; then
  echo "needs GNU time at /usr/bin/time (apt-get install -y time)" >&2
  exit 1
fi

cargo build --release --quiet --bin planc --example genplan
target="${CARGO_TARGET_DIR:-target}/release"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

runs="${RUNS:-3}"
if ! [ "$runs" -ge 1 ] 2>/dev/null; then
  echo "RUNS must be a whole number of at least 1" >&2
  exit 1
fi
# Generate every plan first.
plans=() mbs=()
for n in "${sizes[@]}"; do
  if [ "$n" -gt 500000 ] && [ -z "${SHAPE:-}" ]; then
    # One file holds at most 64 MiB: big plans are split into includes.
    mkdir -p "$work/split-$n"
    "$target/examples/genplan" "$n" 1 --dir "$work/split-$n"
    plans+=("$work/split-$n/plan.plan")
    mbs+=("$(du -cm "$work/split-$n" | tail -n 1 | cut -f1)")
  else
    "$target/examples/genplan" "$n" 1 "${shape_args[@]}" > "$work/plan-$n.plan"
    plans+=("$work/plan-$n.plan")
    mbs+=("$(du -m "$work/plan-$n.plan" | cut -f1)")
  fi
done
# The plans (83 MB at 1M tasks) go to disk before any run is timed.
sync
# Runs go round the sizes (one run of each size per round), so that every
# size meets the same spells of a busy or a quiet machine; each line of
# $work/runs.txt is: size index, wall, CPU, max RSS, exit status.
for _ in $(seq "$runs"); do
  for i in "${!sizes[@]}"; do
    # Wall time from bash's microsecond clock (GNU time rounds to 10 ms).
    started=$EPOCHREALTIME
    # shellcheck disable=SC2086 # PLANC_ARGS is split into words on purpose
    /usr/bin/time -v "$target/planc" build "${plans[$i]}" --format json -o "$work/out.json" ${PLANC_ARGS:-} \
      > /dev/null 2> "$work/time.txt" && status=0 || status=$?
    wall=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$work/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$work/time.txt")
    echo "$i $wall $cpu $rss $status" >> "$work/runs.txt"
    # The output (a gigabyte at 1M tasks) is put on disk before the next
    # run, rather than while it runs.
    rm -f "$work/out.json"
    sync
  done
done
# Per size: the fastest run (its CPU time, peak memory and exit status)
# and the median wall time.
walls=()
printf '%-10s %8s %10s %10s %10s %12s %6s\n' tasks "plan MB" "wall s" "median s" "CPU s" "max RSS MB" exit
for i in "${!sizes[@]}"; do
  read -r best cpu rss status < <(awk -v i="$i" '$1 == i' "$work/runs.txt" | sort -k2,2g | head -n 1 | cut -d' ' -f2-)
  median=$(awk -v i="$i" '$1 == i {print $2}' "$work/runs.txt" | sort -g |
    awk '{w[NR] = $1} END {printf "%.3f", NR % 2 ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2}')
  printf '%-10s %8s %10s %10s %10s %12s %6s\n' "${sizes[$i]}" "${mbs[$i]}" "$best" "$median" "$cpu" "$rss" "$status"
  walls+=("$best")
done
# Growth from each smaller size to the largest (fastest runs), beside
# n log n and linear.
last=$(( ${#sizes[@]} - 1 ))
for i in $(seq 0 $(( last - 1 ))); do
  awk -v a="${sizes[$i]}" -v b="${sizes[$last]}" -v ta="${walls[$i]}" -v tb="${walls[$last]}" 'BEGIN {
    printf "growth %d -> %d tasks: %.0fx in wall time (n log n: %.0fx, linear: %.0fx)\n",
      a, b, (ta > 0 ? tb / ta : 0), b * log(b) / (a * log(a)), b / a }'
done
