#!/usr/bin/env bash
# How long archived WAL waits before it is in the bucket, with Rebound shipping it on its own timer
# (archive-shipping-interval) under a steady write load; see bench/src/WalShippingLagBench.java.
# Prints, for the segments completed during the load, the lag from completion (the segment's file in the archive
# directory) to its batch's manifest in the bucket, and the RPO bound (one segment's fill + its lag) against the goal
# interval + one segment. Rebound runs with its shipped job executor and poll settings; more Spring properties may
# follow the arguments (e.g. --rebound.steps.poll-interval=PT1S).
# Usage: bench/wal-shipping-lag.sh [interval] [load seconds] [WAL KiB/s] [--property=value ...]   (default PT10S, 180, 2048)
set -euo pipefail
cd "$(dirname "$0")/.."

INTERVAL=${1:-PT10S}
SECONDS_OF_LOAD=${2:-180}
RATE=${3:-2048}
shift $(( $# < 3 ? $# : 3 ))
PORT=${BENCH_S3_PORT:-55482}
WORK=$(mktemp -d "${BENCH_WORK:-/var/tmp}/rebound-wal-lag-bench.XXXXXX")
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

./mvnw -q -B -ntp -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/classpath" >/dev/null
CP="target/classes:target/test-classes:$(cat "$WORK/classpath")"

# The bucket on disk, served by a JVM of its own, as in bench/incremental-restore.sh.
mkdir -p "$WORK/store"
java -Xmx512m -cp "$CP" bench/src/S3TransferBench.java server "$PORT" "$WORK/store" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  grep -q '^READY' "$WORK/server.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 0.1
done
grep -q '^READY' "$WORK/server.log" || { echo "the S3 server did not start in 60 s" >&2; cat "$WORK/server.log"; exit 1; }

echo "== $(nproc) cores, $(free -g | awk '/^Mem/{print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
# Spring's log goes to a file; what the embedded servers print before it starts is left out.
java -Xmx1g -cp "$CP" -Dlogging.threshold.console=OFF -Dlogging.file.name="$WORK/app.log" -Dspring.main.banner-mode=off \
  bench/src/WalShippingLagBench.java "http://127.0.0.1:$PORT" bench-access bench-secret-key-0123 bench "$INTERVAL" "$SECONDS_OF_LOAD" \
  "$RATE" "$@" 2> "$WORK/bench.log" | grep --line-buffered -Ev '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} \[' \
  || { tail -50 "$WORK/bench.log" >&2; grep -E 'WARN|ERROR' "$WORK/app.log" | tail -30 >&2; exit 1; }
echo "== load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
