#!/usr/bin/env bash
# Restores the same point two ways through Rebound's database-restore runbook, side by side, after a day of writes
# simulated at scale: FULL + INCREMENTAL + the WAL after it (what the planner gives) against FULL + all WAL since it
# (the same bucket without the INCREMENTAL's manifest, the catalog rebuilt); see bench/src/IncrementalRestoreBench.java.
# Prints each run (restore step time from the audit trail, split into download, lay-down and recovery; WAL downloaded
# and replayed), the medians and their ratio (goal: FULL + all WAL / FULL + INCREMENTAL + WAL >= 3).
# Usage: bench/incremental-restore.sh [rows] [rounds of updates of every row] [runs] [logs shipped every n rounds]
#   (default 100000, 24, 5, 2)
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${1:-100000}
ROUNDS=${2:-24}
RUNS=${3:-5}
SHIP_EVERY=${4:-2}
PORT=${BENCH_S3_PORT:-55481}
WORK=$(mktemp -d "${BENCH_WORK:-/var/tmp}/rebound-incremental-bench.XXXXXX")
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

./mvnw -q -B -ntp -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/classpath" >/dev/null
CP="target/classes:target/test-classes:$(cat "$WORK/classpath")"

# The bucket on disk, served by a JVM of its own: the WAL of a day does not sit in the application's heap.
mkdir -p "$WORK/store"
java -Xmx512m -cp "$CP" bench/src/S3TransferBench.java server "$PORT" "$WORK/store" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  grep -q '^READY' "$WORK/server.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 0.1
done
grep -q '^READY' "$WORK/server.log" || { echo "the S3 server did not start in 60 s" >&2; cat "$WORK/server.log"; exit 1; }

# Spring's log goes to a file; what the embedded servers print before it starts is left out.
echo "== $(nproc) cores, $(free -g | awk '/^Mem/{print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
java -Xmx1g -cp "$CP" -Dlogging.threshold.console=OFF -Dlogging.file.name="$WORK/app.log" -Dspring.main.banner-mode=off \
  bench/src/IncrementalRestoreBench.java "http://127.0.0.1:$PORT" bench-access bench-secret-key-0123 bench "$ROWS" "$ROUNDS" "$RUNS" "$SHIP_EVERY" \
  2> "$WORK/bench.log" | grep --line-buffered -Ev '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} \[' \
  || { tail -50 "$WORK/bench.log" >&2; grep -E 'WARN|ERROR' "$WORK/app.log" | tail -30 >&2; exit 1; }
echo "== load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
