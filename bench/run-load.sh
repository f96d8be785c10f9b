#!/usr/bin/env bash
# Deadline-day load for docs/BENCHMARKS.md ("Load"): 500 signed-in clients for 2 minutes, mixed reads and
# writes over the baseline and register pages (bench/load500), against the demo on SQLite and on
# PostgreSQL. The server's peak memory (VmHWM from /proc/PID/status) is sampled during each run.
# Usage: bench/run-load.sh [clients] [duration]   (needs VAERN_TEST_POSTGRES for the PostgreSQL half)
# Run it on a quiet machine: it saturates the CPU for the whole run.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-500}
duration=${2:-2m}
out=$(mktemp -d)
go build -o "$out/vaern" ./cmd/vaern
go build -o "$out/load500" ./bench/load500
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
run_engine() {
  local name=$1 dbflag=$2 port=$3
  # The limits are per client address and all clients come from 127.0.0.1: switched off for the run.
  VAERN_RATE_SIGNIN=0 VAERN_RATE_API=0 "$out/vaern" demo --addr 127.0.0.1:$port $dbflag \
    > "$out/$name.out" 2> "$out/$name.log" &
  local pid=$!
  for _ in $(seq 1 600); do curl -sf http://127.0.0.1:$port/readyz >/dev/null && break; sleep 0.5; done
  local rss_start; rss_start=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  "$out/load500" -url http://127.0.0.1:$port -c "$clients" -d "$duration" -json > "$out/$name.json" 2> "$out/$name.load.log" &
  local lpid=$!
  local peak=0
  while kill -0 $lpid 2>/dev/null; do
    local rss; rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
    [ "$rss" -gt "$peak" ] && peak=$rss
    sleep 1
  done
  local status=0; wait $lpid || status=$?
  local hwm; hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  local errors5xx; errors5xx=$(grep -c 'level=ERROR' "$out/$name.log" || true)
  kill $pid; wait $pid 2>/dev/null || true
  cat "$out/$name.load.log" >&2
  grep 'level=ERROR' "$out/$name.log" | head -3 | cut -c1-300 >&2 || true
  python3 - "$out/$name.json" "$name" "$rss_start" "$peak" "$hwm" "$status" "$errors5xx" <<'PY'
import json, sys
path, name, start, peak, hwm, status, logerr = sys.argv[1:]
try:
    r = json.load(open(path))
except Exception:
    print(f"{name}: load500 failed (exit {status}), see its log"); sys.exit(0)
l = r["latency_ms"]
print(f"{name}\t{r['clients']}\t{r['duration_seconds']:.0f}s\t{r['requests']}\t{r['requests_per_second']:.0f}\t"
      f"{r['reads']}/{r['writes']}\t{r['failed']}\t{r['server_errors']}\t"
      f"{l['read']['P50']:.0f}/{l['read']['P95']:.0f}/{l['read']['P99']:.0f}\t"
      f"{l['write']['P50']:.0f}/{l['write']['P95']:.0f}/{l['write']['P99']:.0f}\t"
      f"{int(start)//1024} MiB\t{int(peak)//1024} MiB\t{int(hwm)//1024} MiB\t{r['sign_in_seconds']:.0f}s\t{logerr}")
PY
}
echo -e "engine\tclients\tduration\trequests\treq/s\treads/writes\tfailed\t5xx\tread p50/p95/p99 ms\twrite p50/p95/p99 ms\tRSS before\tpeak RSS (sampled)\tVmHWM\tsign-in\tERROR log lines"
run_engine sqlite "--data $out/sqlite" 18191
if [ -n "${VAERN_TEST_POSTGRES:-}" ]; then
  schema="load_$(date +%s)"
  psql "$VAERN_TEST_POSTGRES" -qc "CREATE SCHEMA $schema" >/dev/null
  sep='?'; case "$VAERN_TEST_POSTGRES" in *\?*) sep='&';; esac
  run_engine postgres "--database ${VAERN_TEST_POSTGRES}${sep}search_path=$schema" 18192
  PGOPTIONS="-c client_min_messages=warning" psql "$VAERN_TEST_POSTGRES" -qc "DROP SCHEMA $schema CASCADE" >/dev/null
fi
rm -rf "$out"
