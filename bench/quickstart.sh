#!/usr/bin/env bash
# Quickstart budgets: wall time and peak resident memory of `quickstart --small` from a clean cache and cached, and
# of the full `quickstart` with the base model cached, each against its budget (issue 8) and against the base
# model's build measured in the same run (a fixed amount of work, so the ratio says little about a slow machine).
# Usage: bench/quickstart.sh [BENCHMARKS_DIR]   (default: the shipped benchmarks/; takes about 10 minutes)
#
# `bench/quickstart.sh pretrained [full]`: the same for the real student (issue 13): `quickstart --student smollm2
# --small` (budget 12 min) and with `full` `quickstart --student smollm2` (budget 45 min), each against
# `quickstart --small` of the tiny student run first in the same script (both slow down on a loaded machine, so the
# ratio moves less than the time). Needs the model: interop/setup.sh fetches it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-}"
benchmarks="$root/benchmarks"
[ -n "$mode" ] && [ "$mode" != pretrained ] && benchmarks="$mode"
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

if [ "$mode" = pretrained ]; then
  run tiny-small 180 --small --run "$work/tiny-small"
  run pretrained-small 720 --student smollm2 --small --run "$work/pretrained-small"
  [ "${2:-}" = full ] && run pretrained 2700 --student smollm2 --run "$work/pretrained"
  tiny=$(cut -d' ' -f1 "$work/tiny-small.time")
  for name in pretrained-small pretrained; do
    [ -f "$work/$name.time" ] && awk -v n="$name" -v s="$(cut -d' ' -f1 "$work/$name.time")" -v t="$tiny" \
      -v l="$(cut -d' ' -f1 /proc/loadavg)" \
      'BEGIN { printf "%s = %.1f x the tiny quickstart --small of this run (%.0f s); load average now %s\n", n, s / t, t, l }'
  done
  exit 0
fi

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
