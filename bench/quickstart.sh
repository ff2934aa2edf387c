#!/usr/bin/env bash
# Quickstart budgets: wall time and peak resident memory of `quickstart --small` from a clean cache and cached, and
# of the full `quickstart` with the base model cached, each against its budget (issue 8) and against the base
# model's build measured in the same run (a fixed amount of work, so the ratio says little about a slow machine).
# Usage: bench/quickstart.sh [BENCHMARKS_DIR]   (default: the shipped benchmarks/; takes about 10 minutes)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
benchmarks="${1:-$root/benchmarks}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/deliberate" --version >/dev/null # build first, outside the timings

# run NAME BUDGET_SECONDS ARGS...: prints seconds and peak MB, and keeps the log as $work/NAME.log
run() {
  local name="$1" budget="$2"
  shift 2
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$root/deliberate" quickstart --benchmarks "$benchmarks" \
    --spec "$root/specs/default.md" "$@" >"$work/$name.log" 2>&1
  read -r seconds kb <"$work/$name.time"
  awk -v n="$name" -v s="$seconds" -v kb="$kb" -v b="$budget" \
    'BEGIN { printf "%-28s %7.1f s  (%.2f of the %d s budget)  peak %5.0f MB  (%.2f of 4 GB)\n", n, s, s / b, b, kb / 1024, kb / 4194304 }'
}

run small-clean-cache 180 --small --run "$work/small-1" --cache "$work/cache"
build=$(grep -o '"build_seconds" : [0-9]*' "$work"/cache/tiny-*/recipe.json | grep -o '[0-9]*$')
run small-cached 180 --small --run "$work/small-2" --cache "$work/cache"
run full-cached 360 --run "$work/full" --cache "$work/cache"
full=$(cut -d' ' -f1 "$work/full-cached.time")
awk -v f="$full" -v b="$build" \
  'BEGIN { printf "baseline: the tiny base model built in %d s in this run; full quickstart (cached) = %.2f x that build\n", b, f / b }'
echo "clean-cache full quickstart, estimated: $(awk -v f="$full" -v b="$build" 'BEGIN { printf "%.0f s (%.2f of the 900 s budget)", f + b, (f + b) / 900 }')"
if ! diff <(sed -n '/^Held-out prompts/,/^report:/p' "$work/small-clean-cache.log" | grep -v '^report:') \
  <(sed -n '/^Held-out prompts/,/^report:/p' "$work/small-cached.log" | grep -v '^report:') >/dev/null; then
  echo "NOTE: the two --small runs printed different tables (they should not: same seed and thread count)"
fi
