#!/usr/bin/env bash
# Upload and download of one large backup piece to a local S3 server (S3Proxy on its filesystem store, in a JVM of
# its own), measured side by side: a plain disk read/write of the same bytes (the floor), one single-stream PUT/GET
# by the same SDK, and Rebound's parallel, checksummed ObjectStore transfers; see bench/src/S3TransferBench.java.
# Prints each run, the medians and the ratios (goals: Rebound >= 0.8x the disk, >= 2x single-stream).
# Usage: bench/s3-transfer.sh [size in MiB] [runs]   (default 2048 MiB, 5 runs)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MIB=${1:-2048}
RUNS=${2:-5}
PORT=${BENCH_S3_PORT:-55480}
WORK=$(mktemp -d "${BENCH_WORK:-/var/tmp}/rebound-s3-bench.XXXXXX")
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

./mvnw -q -B -ntp -DskipTests compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/classpath" >/dev/null
CP="target/classes:$(cat "$WORK/classpath")"

mkdir -p "$WORK/store" "$WORK/client"
java -Xmx1g -cp "$CP" bench/src/S3TransferBench.java server "$PORT" "$WORK/store" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  grep -q '^READY' "$WORK/server.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 0.1
done
grep -q '^READY' "$WORK/server.log" || { echo "the S3 server did not start in 60 s" >&2; cat "$WORK/server.log"; exit 1; }

# Random bytes: nothing on the way compresses them.
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$WORK/client/piece"
java -Xmx1g -cp "$CP" bench/src/S3TransferBench.java client "http://127.0.0.1:$PORT" "$WORK/client/piece" "$RUNS" "$WORK/client"
