# Shared by the bench scripts: PostgreSQL clusters of their own under a work directory, removed on exit.
# Source it after setting BIN (PostgreSQL's binaries) and WORK (a fresh directory).

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
now_ms() { date +%s%3N; }
# await_ready LOG PID WHAT SECONDS: waits for a line READY in LOG from the process PID, or stops the script saying WHAT
# did not start (with the log when the process died).
await_ready() {
  local log=$1 pid=$2 what=$3 seconds=$4
  for _ in $(seq 1 $((seconds * 10))); do
    grep -q '^READY' "$log" && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.1
  done
  echo "$what did not start in $seconds s" >&2
  cat "$log"
  exit 1
}

CLUSTERS=()
# start_cluster NAME PORT [server options...]: a new cluster in $WORK/NAME, trusting local connections.
start_cluster() {
  local name=$1 port=$2
  shift 2
  mkdir -p "$WORK/$name" "$WORK/$name-log"
  [ "$(id -u)" = 0 ] && chown postgres "$WORK/$name" "$WORK/$name-log"
  as_postgres "$BIN/initdb" -D "$WORK/$name" -U postgres -A trust >/dev/null
  as_postgres "$BIN/pg_ctl" -D "$WORK/$name" -o "-p $port -k /tmp $*" -l "$WORK/$name-log/pg.log" -w start >/dev/null
  CLUSTERS+=("$WORK/$name")
}

stop_clusters() {
  local cluster
  for cluster in "${CLUSTERS[@]}"; do
    as_postgres "$BIN/pg_ctl" -D "$cluster" -m immediate stop >/dev/null 2>&1 || true
  done
}
