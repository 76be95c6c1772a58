#!/usr/bin/env bash
# Cross-checks the golden schedules in tests/schedule/ against TaskJuggler.
#
# For every tests/schedule/tj3/NAME.tjp (or the ones given as arguments),
# runs `tj3` on it and `planc build --format json` on tests/schedule/NAME.plan
# and prints, per task, both spans and a verdict:
#   same          start and end equal
#   same end      end equal; tj3's start differs (tj3 does not move a start
#                 to working time: it starts a task at 17:00 or 00:00 where
#                 planc starts it at the next working minute)
#   DIFFERS       the ends differ: read the plan's `# tj3:` comment
#   only planc    tj3 has no such task (a construct tj3 cannot express)
#
# Needs: tj3 (`apt-get install tj3`), jq, and a built planc (set PLANC to
# its path; default target/debug/planc). This is a developer's tool: the
# test suite does not run it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
planc=${PLANC:-$root/target/debug/planc}
command -v tj3 >/dev/null || { echo "tj3 not found: apt-get install tj3" >&2; exit 2; }
command -v jq >/dev/null || { echo "jq not found: apt-get install jq" >&2; exit 2; }
[ -x "$planc" ] || { echo "planc not found at $planc (set PLANC)" >&2; exit 2; }

if [ $# -gt 0 ]; then files=("$@"); else files=("$root"/tests/schedule/tj3/*.tjp); fi
status=0
for tjp in "${files[@]}"; do
  tjp=$(cd "$(dirname "$tjp")" && pwd)/$(basename "$tjp")
  name=$(basename "$tjp" .tjp)
  plan=$root/tests/schedule/$name.plan
  work=$(mktemp -d)
  if ! (cd "$work" && tj3 --no-color --silent "$tjp" -o "$work" >"$work/log" 2>&1); then
    echo "== $name: tj3 failed"; cat "$work/log"; status=1; rm -rf "$work"; continue
  fi
  "$planc" build "$plan" --format json >"$work/planc.json" 2>/dev/null || true
  jq -r '.tasks[] | [.id, .start, .end] | @tsv' "$work/planc.json" | sort >"$work/planc.tsv"
  tail -n +2 "$work/out.csv" | tr -d '"' | tr ';' '\t' | cut -f1-3 | sort >"$work/tj3.tsv"
  echo "== $name"
  while IFS=$'\t' read -r id ps pe; do
    line=$(awk -F'\t' -v id="$id" '$1 == id' "$work/tj3.tsv")
    if [ -z "$line" ]; then printf '  %-12s planc %s %s  only planc\n' "$id" "$ps" "$pe"; continue; fi
    ts=$(cut -f2 <<<"$line"); te=$(cut -f3 <<<"$line")
    if [ "$ps" = "$ts" ] && [ "$pe" = "$te" ]; then verdict=same
    elif [ "$pe" = "$te" ]; then verdict="same end (tj3 starts $ts)"
    else verdict="DIFFERS (tj3 $ts $te)"; status=1
    fi
    printf '  %-12s planc %s %s  %s\n' "$id" "$ps" "$pe" "$verdict"
  done <"$work/planc.tsv"
  rm -rf "$work"
done
exit $status
