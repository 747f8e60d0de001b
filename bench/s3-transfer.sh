#!/usr/bin/env bash
# Upload and download of one large backup piece to a local S3 server (S3Proxy on its filesystem store, in a JVM of
# its own), measured side by side: a plain disk read/write of the same bytes (the floor), one single-stream PUT/GET
# by the same SDK, and Rebound's parallel, checksummed ObjectStore transfers; see bench/src/S3TransferBench.java.
# Prints each run, the medians and the ratios (goals: Rebound >= 0.8x the disk, >= 2x single-stream).
# Usage: bench/s3-transfer.sh [size in MiB] [runs] [http|https] [MiB/s per connection]
#   (default 2048 MiB, 5 runs, http, no link)
# Over https the server has a key made for the run (keytool) and the client trusts it. With a rate, the client reaches
# the server through a link that holds every connection to that rate, as S3 holds each of its connections.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

SIZE_MIB=${1:-2048}
RUNS=${2:-5}
SCHEME=${3:-http}
RATE=${4:-}
PORT=${BENCH_S3_PORT:-55480}
LINK_PORT=$((PORT + 1))
WORK=$(mktemp -d "${BENCH_WORK:-/var/tmp}/rebound-s3-bench.XXXXXX")
SERVER_PID=
LINK_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; [ -n "$LINK_PID" ] && kill "$LINK_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

./mvnw -q -B -ntp -DskipTests compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/classpath" >/dev/null
CP="target/classes:$(cat "$WORK/classpath")"

mkdir -p "$WORK/store" "$WORK/client"
SERVER_TLS=()
CLIENT_TLS=()
case "$SCHEME" in
  http) ;;
  https)
    keytool -genkeypair -alias s3 -keyalg RSA -keysize 2048 -validity 2 -dname CN=127.0.0.1 -ext SAN=ip:127.0.0.1 \
      -keystore "$WORK/tls.p12" -storetype PKCS12 -storepass bench-tls -keypass bench-tls >/dev/null 2>&1
    SERVER_TLS=("$WORK/tls.p12" bench-tls)
    CLIENT_TLS=(-Djavax.net.ssl.trustStore="$WORK/tls.p12" -Djavax.net.ssl.trustStorePassword=bench-tls -Djavax.net.ssl.trustStoreType=PKCS12)
    ;;
  *) echo "scheme must be http or https, was $SCHEME" >&2; exit 2 ;;
esac
java -Xmx1g -cp "$CP" bench/src/S3TransferBench.java server "$PORT" "$WORK/store" "${SERVER_TLS[@]}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
await_ready "$WORK/server.log" "$SERVER_PID" "the S3 server" 60
CLIENT_PORT=$PORT
if [ -n "$RATE" ]; then
  java -Xmx256m -cp "$CP" bench/src/S3TransferBench.java link "$LINK_PORT" "$PORT" "$RATE" >"$WORK/link.log" 2>&1 &
  LINK_PID=$!
  await_ready "$WORK/link.log" "$LINK_PID" "the link" 30
  CLIENT_PORT=$LINK_PORT
  echo "every connection held to $RATE MiB/s each way"
fi

# Random bytes: nothing on the way compresses them.
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$WORK/client/piece"
java -Xmx1g ${BENCH_CLIENT_JAVA_OPTS:-} "${CLIENT_TLS[@]}" -cp "$CP" bench/src/S3TransferBench.java client "$SCHEME://127.0.0.1:$CLIENT_PORT" "$WORK/client/piece" "$RUNS" \
  "$WORK/client"
