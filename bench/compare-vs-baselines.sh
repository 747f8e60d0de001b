#!/usr/bin/env bash
# Table comparison, measured side by side between two PostgreSQL servers on this machine (source database
# src on one, destination dst on the other, each server with its own 1 GB of shared buffers):
#   L  the floor: count(*) and a hash of every row, one scan per side, both sides at once
#   B  the seed's way: full rows fetched from both sides in chunks of 10 000, compared in memory, each
#      chunk's checkpoint (its rows and result) written to a file
#   O  Rebound's comparison (the table-compare process, over its REST API)
# first with identical tables, then with 0.01% of the rows changed; prints the medians and the ratios
# (goals: identical O <= 1.5 L and B/O >= 4; 0.01% different O <= 2 L and bytes read <= 5% of the table).
# Also: O's peak heap at a fifth of the rows and at all of them, and a run stopped a quarter of the way and resumed.
# Usage: bench/compare-vs-baselines.sh [rows] [runs]    (default 5000000 rows, 5 runs)
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${1:-5000000}
RUNS=${2:-5}
SRC_PORT=${BENCH_PG_PORT:-55433}
DST_PORT=$((SRC_PORT + 1))
APP_PORT=${BENCH_APP_PORT:-18081}
BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
WORK=$(mktemp -d /tmp/rebound-compare-bench.XXXXXX)
PW=bench-users-pw
chmod 755 "$WORK"
. bench/lib.sh
port_of() { if [ "$1" = dst ]; then echo "$DST_PORT"; else echo "$SRC_PORT"; fi; }
# psql_ src|dst ...: the source's database on its server, or the destination's on the other.
psql_() { local db=$1; shift; "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h localhost -p "$(port_of "$db")" -U postgres -d "$db" "$@"; }
cleanup() {
  [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  stop_clusters
  rm -rf "$WORK"
}
trap cleanup EXIT

# Two servers, as a comparison's two sides are: each with its own buffer pool, the table fitting in it.
start_cluster pg-src "$SRC_PORT" -c shared_buffers=1GB -c max_wal_size=4GB
start_cluster pg-dst "$DST_PORT" -c shared_buffers=1GB -c max_wal_size=4GB

echo "== $ROWS rows of mixed types in bench.events on both servers"
for db in src dst; do
  (
    "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h localhost -p "$(port_of "$db")" -U postgres -d postgres -c "CREATE DATABASE $db"
    psql_ "$db" <<SQL
CREATE SCHEMA bench;
CREATE TABLE bench.events (id bigint PRIMARY KEY, kind varchar(20) NOT NULL, amount numeric(12,2), at timestamptz NOT NULL,
  flag boolean, note text);
INSERT INTO bench.events SELECT i, 'kind-' || (i % 37), (i % 100000) / 100.0, timestamptz '2026-01-01' + i * interval '1 second',
  i % 2 = 0, md5(i::text) || md5((i * 7)::text) FROM generate_series(1, $ROWS) i;
VACUUM ANALYZE bench.events;
SQL
  ) &
done
wait
TABLE_BYTES=$(psql_ src -At -c "SELECT pg_table_size('bench.events')")
echo "   table $(( TABLE_BYTES / 1024 / 1024 )) MB per side"

floor() {
  local start
  start=$(now_ms)
  for db in src dst; do
    # The cheapest hash of every row there is: 64 bits of its typed values, as O hashes them (each value by
    # its type's hash function, combined by XOR; NULL as a constant).
    psql_ "$db" -At -c "SELECT count(*), sum(coalesce(hashint8extended(id, 1), 1) # coalesce(hashtextextended(kind::text COLLATE \"C\", 2), 2)
      # coalesce(hash_numeric_extended(amount, 3), 3) # coalesce(timestamp_hash_extended(at AT TIME ZONE 'UTC', 4), 4)
      # coalesce(hashint4extended(flag::int, 5), 5) # coalesce(hashtextextended(note COLLATE \"C\", 6), 6)) FROM bench.events" >/dev/null &
  done
  wait
  echo $(( $(now_ms) - start ))
}

JDBC=$(ls ~/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar | grep -v sources | sort -V | tail -1)
full_rows() {
  local checkpoints="$WORK/checkpoints"
  java -cp "$JDBC" bench/src/FullRowCompare.java "jdbc:postgresql://localhost:$SRC_PORT/src?user=postgres" \
    "jdbc:postgresql://localhost:$DST_PORT/dst?user=postgres" bench.events id "$checkpoints"
  rm -rf "$checkpoints"
}

./mvnw -q -B -ntp -DskipTests package
start_app() {
  java -Xmx2g -jar target/rebound-*.jar --spring.profiles.active=demo --server.port="$APP_PORT" --rebound.demo.directory="$WORK/demo" \
    --rebound.demo.password="$PW" --spring.datasource.url="jdbc:h2:file:$WORK/engine;DB_CLOSE_ON_EXIT=FALSE" \
    --rebound.targets.src.dialect=postgresql --rebound.targets.src.url="jdbc:postgresql://localhost:$SRC_PORT/src" --rebound.targets.src.username=postgres \
    --rebound.targets.dst.dialect=postgresql --rebound.targets.dst.url="jdbc:postgresql://localhost:$DST_PORT/dst" --rebound.targets.dst.username=postgres \
    >> "$WORK/app.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 120); do curl -fs -u "operator:$PW" "localhost:$APP_PORT/api/recoveries" >/dev/null 2>&1 && return; sleep 0.5; done
  echo "Rebound did not start"; tail -50 "$WORK/app.log"; exit 1
}

# Starts a comparison; prints its id.
start_comparison() {
  curl -fs -u "operator:$PW" -H 'Content-Type: application/json' "localhost:$APP_PORT/api/comparisons" \
    -d "{\"source\":\"src\",\"destination\":\"dst\",\"parallelism\":1,\"tables\":[\"bench.events\"]}" | jq -r .id
}

wait_comparison() {
  local id=$1 state
  while :; do
    state=$(curl -fs -u "operator:$PW" "localhost:$APP_PORT/api/comparisons/$id" | jq -r .state)
    [ "$state" = RUNNING ] || break
    sleep 1
  done
  [ "$state" = COMPLETED ] || { echo "comparison $id ended $state"; curl -s -u "operator:$PW" "localhost:$APP_PORT/api/comparisons/$id"; exit 1; }
}

# The comparison's own duration from its table's start to its end, and what it found: "ms differences bytes".
comparison_figures() {
  curl -fs -u "operator:$PW" "localhost:$APP_PORT/api/comparisons/$1" | python3 -c '
import json, sys
from datetime import datetime
t = json.load(sys.stdin)["tables"][0]
p = t["progress"]
print(t["missingInDestination"] + t["missingInSource"] + t["different"], t["bytesRead"]["source"] + t["bytesRead"]["destination"], p["chunksTotal"], p["attempts"])'
}

# Runs O once, timed from the comparison's creation to its table's end (not by the polling here): "ms differences bytes".
rebound_compare() {
  local id ms
  id=$(start_comparison)
  wait_comparison "$id"
  ms=$(curl -fs -u "operator:$PW" "localhost:$APP_PORT/api/comparisons/$id" | python3 -c '
import json, sys
from datetime import datetime
c = json.load(sys.stdin)
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000
print(int(max(t(x["progress"]["finishedAt"]) for x in c["tables"]) - t(c["createdAt"])))')
  read -r differences bytes _ _ <<<"$(comparison_figures "$id")"
  echo "$ms $differences $bytes"
}

peak_heap_mb() {
  # Used heap (young and old generations) and the old generation alone, what survives young collections:
  # their peaks while the comparison runs, in MB.
  local pid=$1 max=0 max_old=0 used old
  while kill -0 "$pid" 2>/dev/null && [ -f "$WORK/sampling" ]; do
    read -r used old < <(jstat -gc "$pid" 2>/dev/null | awk 'NR==2 {printf "%d %d\n", ($3+$4+$6+$8)/1024, $8/1024}') || true
    [ -n "${used:-}" ] && [ "$used" -gt "$max" ] && max=$used
    [ -n "${old:-}" ] && [ "$old" -gt "$max_old" ] && max_old=$old
    sleep 0.2
  done
  echo "$max MB used, $max_old MB old generation"
}

median() { python3 -c 'import statistics, sys; print(int(statistics.median([float(x) for x in sys.argv[1:]])))' "$@"; }

start_app
measure() {
  local label=$1 l=() b=() o=() od=() ob=() bd=()
  for run in $(seq 1 "$RUNS"); do
    # Each measurement starts with no dirty pages: B writes its checkpoints, and their write-back would land
    # on the next one. L and O take turns at coming first, right after the previous run's B.
    if [ $((run % 2)) = 1 ]; then
      sync; l+=("$(floor)")
      sync; read -r ms differences bytes <<<"$(rebound_compare)"; o+=("$ms"); od+=("$differences"); ob+=("$bytes")
    else
      sync; read -r ms differences bytes <<<"$(rebound_compare)"; o+=("$ms"); od+=("$differences"); ob+=("$bytes")
      sync; l+=("$(floor)")
    fi
    sync; read -r differences bytes ms < <(full_rows); b+=("$ms"); bd+=("$differences")
    echo "   $label run $run: L ${l[-1]} ms, B ${b[-1]} ms (${bd[-1]} differences), O ${o[-1]} ms (${od[-1]} differences, ${ob[-1]} bytes)"
  done
  local ml mb mo
  ml=$(median "${l[@]}"); mb=$(median "${b[@]}"); mo=$(median "${o[@]}")
  python3 -c "
l, b, o, bytes, table = $ml, $mb, $mo, $(median "${ob[@]}"), $TABLE_BYTES
print(f'== $label: median L {l} ms, B {b} ms, O {o} ms; O/L {o / l:.2f}, B/O {b / o:.2f}; O read {bytes} bytes = {100 * bytes / (2 * table):.3f}% of both tables')"
}

# A server that has run for a while has compiled its hot paths; a fresh JVM's compiler threads take CPU
# from both databases during its first few comparisons (here the first three took 2.4, 2.3 and 1.6 times
# as long as later ones).
WARMUP=${BENCH_WARMUP:-3}
echo "== identical tables (after $WARMUP comparisons to warm Rebound up, as a running server is)"
for _ in $(seq 1 "$WARMUP"); do rebound_compare >/dev/null; done
measure identical
CHANGED=$(( ROWS / 10000 ))
psql_ dst -c "UPDATE bench.events SET amount = amount + 1 WHERE id % 10000 = 1" >/dev/null
psql_ dst -c "VACUUM ANALYZE bench.events" >/dev/null
echo "== $CHANGED rows changed (0.01%)"
measure "0.01% different"

echo "== peak heap of O (jstat, used heap)"
touch "$WORK/sampling"; peak_heap_mb "$APP_PID" > "$WORK/heap-all" & SAMPLER=$!
rebound_compare >/dev/null; rm -f "$WORK/sampling"; wait "$SAMPLER"
psql_ src -c "CREATE TABLE bench.fifth AS SELECT * FROM bench.events WHERE id <= $ROWS / 5" -c "ALTER TABLE bench.fifth ADD PRIMARY KEY (id)" >/dev/null
psql_ dst -c "CREATE TABLE bench.fifth AS SELECT * FROM bench.events WHERE id <= $ROWS / 5" -c "ALTER TABLE bench.fifth ADD PRIMARY KEY (id)" >/dev/null
touch "$WORK/sampling"; peak_heap_mb "$APP_PID" > "$WORK/heap-fifth" & SAMPLER=$!
id=$(curl -fs -u "operator:$PW" -H 'Content-Type: application/json' "localhost:$APP_PORT/api/comparisons" \
  -d '{"source":"src","destination":"dst","parallelism":1,"tables":["bench.fifth"]}' | jq -r .id)
wait_comparison "$id"; rm -f "$WORK/sampling"; wait "$SAMPLER"
echo "   peak heap: $(cat "$WORK/heap-fifth") at $(( ROWS / 5 )) rows; $(cat "$WORK/heap-all") at $ROWS rows"

echo "== a run stopped a quarter of the way and resumed, against an uninterrupted one (median of 3 each)"
# Both timed from the comparison's creation to its table's end, as O is; the resumed run without the
# application's downtime (from the stop until the restarted job executor acquires jobs), which is not its work.
# Stopped at a quarter, as the batch in flight (up to 8 chunks) finishes during the stop: from halfway it
# could be the last, and nothing would be left to resume; such a run is reported and not counted.
elapsed_ms() {
  curl -fs -u "operator:$PW" "localhost:$APP_PORT/api/comparisons/$1" | python3 -c '
import json, sys
from datetime import datetime
c = json.load(sys.stdin)
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000
print(int(max(t(x["progress"]["finishedAt"]) for x in c["tables"]) - t(c["createdAt"])))'
}
u=(); r=()
for run in 1 2 3; do
  id=$(start_comparison); wait_comparison "$id"; u+=("$(elapsed_ms "$id")")
  id=$(start_comparison)
  until curl -fs -u "operator:$PW" "localhost:$APP_PORT/api/comparisons/$id" \
      | jq -e '.tables[0].progress | .chunksTotal > 0 and .chunksDone >= .chunksTotal / 4' >/dev/null; do sleep 0.05; done
  stopping=$(now_ms)
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
  acquiring=$(grep -c "starting to acquire jobs" "$WORK/app.log" || true)
  start_app
  # Where the stop left it: read as soon as the application answers, before its job executor starts.
  resumed_at=$(curl -fs -u "operator:$PW" "localhost:$APP_PORT/api/comparisons/$id" | jq -r '.tables[0].progress | "\(.chunksDone) of \(.chunksTotal)"')
  # Back when its job executor acquires jobs again (a little after it answers HTTP).
  until [ "$(grep -c "starting to acquire jobs" "$WORK/app.log" || true)" -gt "$acquiring" ]; do sleep 0.01; done
  ready=$(now_ms)
  wait_comparison "$id"
  read -r _ _ chunks attempts <<<"$(comparison_figures "$id")"
  if [ "${resumed_at%% *}" -ge "$chunks" ]; then
    echo "   run $run: uninterrupted ${u[-1]} ms; the stopped run finished during its stop, not counted"
    continue
  fi
  r+=("$(( $(elapsed_ms "$id") - (ready - stopping) ))")
  echo "   run $run: uninterrupted ${u[-1]} ms, resumed at chunk $resumed_at and done in ${r[-1]} ms without the downtime;" \
    "$attempts attempts for $chunks chunks"
done
if [ "${#r[@]}" -gt 0 ]; then
  python3 -c "
u, r = $(median "${u[@]}"), $(median "${r[@]}")
print(f'== resumed: median uninterrupted {u} ms, stopped and resumed {r} ms without the downtime: {r / u:.2f}x')"
fi
