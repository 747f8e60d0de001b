#!/usr/bin/env bash
# QueIn apply throughput of the reference workstation (the repair's apply-que-in step), measured side by side
# with a plain batched JDBC upsert of the same rows on one PostgreSQL server of its own (default settings,
# 1 GB of shared buffers); see bench/src/QueInApplyBench.java. The changes are upserts mixed with deletes (a share
# of 0.2 by default). Prints each run, the medians and QueIn/plain (goal >= 0.7).
# Usage: bench/queIn-apply.sh [replicas] [rows per replica] [runs] [delete share]
#        (default 100000 replicas, 5 row changes each, 5 runs, 0.2)
set -euo pipefail
cd "$(dirname "$0")/.."

REPLICAS=${1:-100000}
PER_REPLICA=${2:-5}
RUNS=${3:-5}
DELETES=${4:-0.2}
PORT=${BENCH_PG_PORT:-55443}
BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
WORK=$(mktemp -d /tmp/rebound-apply-bench.XXXXXX)
chmod 755 "$WORK"
. bench/lib.sh
trap 'stop_clusters; rm -rf "$WORK"' EXIT

./mvnw -q -B -ntp -DskipTests compile dependency:build-classpath -Dmdep.outputFile="$WORK/classpath" >/dev/null
start_cluster pg "$PORT" -c shared_buffers=1GB -c max_wal_size=4GB
java -Xmx2g -cp "target/classes:$(cat "$WORK/classpath")" bench/src/QueInApplyBench.java \
  "jdbc:postgresql://localhost:$PORT/postgres" "$REPLICAS" "$PER_REPLICA" "$RUNS" "$DELETES"
