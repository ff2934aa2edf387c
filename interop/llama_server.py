"""Runs a command against llama.cpp's OpenAI-compatible server (llama-cpp-python), started for it alone.

Usage: python llama_server.py --model FILE.gguf [--ctx N] [--log FILE] -- COMMAND [ARG...]

Starts `python -m llama_cpp.server` on 127.0.0.1 and a free port, waits until GET /v1/models answers, runs COMMAND
with LLAMA_SERVER_URL (the base URL, ending in /v1) in its environment, then stops the server, also when COMMAND
fails or this driver is interrupted. Exits with COMMAND's status; 1 when the server did not come up.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

READY_TIMEOUT_SECONDS = 120


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def default_threads():
    """Two threads on an idle machine, one on a busy one (a quarter of its processors busy over a tenth of a second,
    the launcher's rule for its OpenMP workers): llama.cpp's threads spin at each barrier, and on a busy 2-core
    machine two of them decoded SmolLM2 at 0.9 tokens/s where one decoded at 24 (load average 13); on an idle one
    two decoded at 72 tokens/s and one at 43 (bench/llama_cpp_decode.py)."""
    def sample():
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:9]]
        return sum(fields), fields[3] + fields[4]
    try:
        total0, idle0 = sample()
        time.sleep(0.1)
        total1, idle1 = sample()
    except (OSError, ValueError):
        return 1
    busy = 1 - (idle1 - idle0) / max(1, total1 - total0)
    return 1 if busy >= 0.25 else min(2, os.cpu_count() or 1)


def start(model, ctx, threads, log):
    """The server process and its base URL once it answers; None when it exited first (the port may have gone)."""
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", str(ctx), "--n_threads", str(threads)]
    # Its own process group, so that stopping it also stops anything it started.
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return None, None
        if answers(base + "/models"):
            return server, base
        time.sleep(0.5)
    stop(server)
    raise SystemExit(f"error: llama-server: no answer from {base}/models within {READY_TIMEOUT_SECONDS}s")


def stop(process):
    """Ends a process and its group: SIGTERM, then SIGKILL after 10 s (uvicorn waits for a request in flight)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--ctx", type=int, default=8192, help="context size in tokens (SmolLM2 was trained on 8192)")
    parser.add_argument("--threads", type=int, default=None,
                        help="llama.cpp's threads (default: LLAMA_SERVER_THREADS, else by load, see default_threads)")
    parser.add_argument("--log", default=os.devnull, help="where the server's own output goes")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    if args.threads is None:
        chosen = os.environ.get("LLAMA_SERVER_THREADS")
        args.threads = int(chosen) if chosen else default_threads()
    if not os.path.isfile(args.model):
        raise SystemExit(f"error: llama-server: {args.model}: no such file")

    # SIGTERM (e.g. from a CI time limit) becomes an exception, so that the finally block stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with open(args.log, "ab") as log:
        server = None
        try:
            for _ in range(3):
                server, base = start(args.model, args.ctx, args.threads, log)
                if server is not None:
                    break
            if server is None:
                raise SystemExit(f"error: llama-server: the server exited before it answered (its output: {args.log})")
            env = dict(os.environ, LLAMA_SERVER_URL=base)
            # Its own process group too, so that a SIGTERM to this driver also ends the command and its children.
            child = subprocess.Popen(command, env=env, start_new_session=True)
            try:
                sys.exit(child.wait())
            finally:
                stop(child)
        finally:
            if server is not None:
                stop(server)


if __name__ == "__main__":
    main()
