#!/usr/bin/env bash
# The interop suite in one command: interop/setup.sh, then every interop/check-*.sh (or those named as arguments,
# e.g. 'interop/run-checks.sh check-llama-server'), each in turn, each with its time. Closes with
# 'interop: N passed, N failed' (and ', N skipped' when any were) and exits 1 when any check failed.
# Outside CI a set-up that cannot be made (no network, no compiler) skips the checks with one line saying why;
# with CI=true it fails them.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

started=$SECONDS
if ! "$INTEROP_DIR/setup.sh"; then
  if [ "${CI:-}" = "true" ]; then
    echo "error: interop: interop/setup.sh failed (above)" >&2
    echo "interop: 0 passed, 1 failed"
    exit 1
  fi
  echo "interop: the set-up failed (above); every check will say it is skipped" >&2
fi

checks=()
if [ "$#" -eq 0 ]; then
  for file in "$INTEROP_DIR"/check-*.sh; do
    [ -e "$file" ] && checks+=("$file")
  done
else
  for name in "$@"; do
    file="$INTEROP_DIR/${name%.sh}.sh"
    [ -f "$file" ] || { echo "error: interop: no check $file" >&2; exit 2; }
    checks+=("$file")
  done
fi

passed=0 failed=0 skipped=0
for file in "${checks[@]}"; do
  name="$(basename "$file" .sh)"
  check_started=$SECONDS
  status=0
  bash "$file" || status=$?
  took=$(( SECONDS - check_started ))
  if [ "$status" -eq 0 ]; then
    passed=$(( passed + 1 ))
    echo "interop: $name passed (${took}s)"
  elif [ "$status" -eq "$SKIPPED" ]; then
    skipped=$(( skipped + 1 ))
    echo "interop: $name skipped"
  else
    failed=$(( failed + 1 ))
    echo "interop: $name FAILED with exit $status (${took}s)"
  fi
done

echo "interop: set-up and checks took $(( SECONDS - started ))s"
echo "interop: $passed passed, $failed failed$([ "$skipped" -gt 0 ] && echo ", $skipped skipped")"
[ "$failed" -eq 0 ]
