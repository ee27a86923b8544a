#!/usr/bin/env bash
# Per-connection memory of permessage-deflate on the example app (Java 25, 1,000 Python websockets
# clients on /echo, one 300-byte message each, then idle), with the default (no context takeover)
# and with context takeover in both directions. Needs Debian's python3-websockets.
# usage: benchmarks/memory/compression-memory.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT="${1:-1000}"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
JAR=example-app/target/conduit-example-app-0.1.0-SNAPSHOT-exec.jar
[ -f "$JAR" ] || ./mvnw -B -q -pl example-app -am package -DskipTests
PORT=18080
for takeover in default takeover; do
  extra=()
  if [ "$takeover" = takeover ]; then
    extra=(--conduit.websocket.compression.server-no-context-takeover=false
           --conduit.websocket.compression.client-no-context-takeover=false)
  fi
  "$JAVA" -XX:NativeMemoryTracking=summary -Xmx512m -jar "$JAR" --server.port=$PORT --server.address=127.0.0.1 \
    --spring.main.banner-mode=off --logging.level.root=WARN "${extra[@]}" >/tmp/compression-memory-server.log 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/actuator/health" >/dev/null && break; sleep 0.5; done
  echo -n "$takeover: "
  /usr/bin/python3 benchmarks/memory/compression_memory.py "$pid" "$PORT" "$COUNT" compress
  if [ "$takeover" = default ]; then
    echo -n "uncompressed: "
    /usr/bin/python3 benchmarks/memory/compression_memory.py "$pid" "$PORT" "$COUNT" plain
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
