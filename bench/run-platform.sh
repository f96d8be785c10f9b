#!/usr/bin/env bash
# Platform figures for docs/BENCHMARKS.md: /healthz, the sign-in page and a signed-in dashboard at
# 1, 16 and 64 clients, on SQLite and on PostgreSQL, against the demo data set.
# Usage: bench/run-platform.sh [seconds per run]   (needs VAERN_TEST_POSTGRES for the PostgreSQL half)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
out=$(mktemp -d)
go build -o "$out/vaern" ./cmd/vaern
go build -o "$out/loadgen" ./bench/loadgen
run_engine() {
  local name=$1 dbflag=$2 port=$3
  VAERN_RATE_SIGNIN=0 VAERN_RATE_API=0 "$out/vaern" demo --addr 127.0.0.1:$port $dbflag > "$out/$name.out" 2> "$out/$name.log" &
  local pid=$!
  for _ in $(seq 1 240); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.5; done
  for path in /healthz /login /; do
    for c in 1 16 64; do
      signin=true; [ "$path" = "/" ] || signin=false
      printf '%s\t%s\t%s\t' "$name" "$path" "$c"
      "$out/loadgen" -url http://127.0.0.1:$port -email koordinator@aarhus.vaern.demo -password vaern-demo-2026 \
        -signin=$signin -c $c -d ${secs}s -warmup 1s -paths "$path" -json |
        python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.0f\t%.2f\t%.2f\t%.2f\t%d" % (r["requests_per_second"], r["latency_ms"]["p50"], r["latency_ms"]["p95"], r["latency_ms"]["p99"], r["errors"]))'
    done
  done
  kill $pid; wait $pid 2>/dev/null || true
}
echo -e "engine\tpath\tclients\treq/s\tp50 ms\tp95 ms\tp99 ms\terrors"
run_engine sqlite "--data $out/sqlite" 18181
if [ -n "${VAERN_TEST_POSTGRES:-}" ]; then
  schema="bench_$(date +%s)"
  psql "$VAERN_TEST_POSTGRES" -qc "CREATE SCHEMA $schema" >/dev/null
  sep='?'; case "$VAERN_TEST_POSTGRES" in *\?*) sep='&';; esac
  run_engine postgres "--database ${VAERN_TEST_POSTGRES}${sep}search_path=$schema" 18182
  psql "$VAERN_TEST_POSTGRES" -qc "DROP SCHEMA $schema CASCADE" >/dev/null
fi
rm -rf "$out"
