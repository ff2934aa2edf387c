# Sourced by the benchmarks: starts dev.deliberate.run.LatencyServer in its own JVM and sets server_url. The
# server ends when this shell does (its standard input is a pipe from a process that exits with the shell).
start_latency_server() {
  local cp="$1" latency="$2"
  local dir; dir="$(mktemp -d)"
  mkfifo "$dir/in"
  java -Xmx256m -cp "$cp" dev.deliberate.run.LatencyServer "$latency" "$dir/url" < "$dir/in" &
  server_pid=$!
  exec {server_in}>"$dir/in"   # holding the write end open keeps the server serving
  for _ in $(seq 1 300); do
    [ -f "$dir/url" ] && break
    sleep 0.1
  done
  server_url="$(cat "$dir/url")"
  trap 'exec {server_in}>&-; wait "$server_pid" 2>/dev/null || true; rm -rf "'"$dir"'"' EXIT
}
