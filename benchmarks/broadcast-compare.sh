#!/usr/bin/env bash
# Ours on Java 25 (virtual threads), one server process, the two broadcast endpoints alternated:
# /broadcast-loop (the PreparedMessage written to every connection in turn on the sender's thread)
# and /broadcast (the starter's Hub).
#   benchmarks/broadcast-compare.sh [RECEIVERS] [PAIRS]     # defaults 1000 and 2
# Needs the module built as benchmarks/run.sh builds it.
set -euo pipefail
cd "$(dirname "$0")/.."
B=benchmarks
cp_of() { echo "$B/$1/target/classes:$(cat "$B/$1/target/classpath.txt")"; }
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
receivers=${1:-1000} pairs=${2:-2}
port=$((18500 + RANDOM % 400))
OUT=$(mktemp -d)
"$JDK25/bin/java" -Xmx2g -XX:+UseG1GC -Djava.net.preferIPv4Stack=true -cp "$(cp_of peer-conduit)" \
  dev.conduit.bench.conduit.ConduitPeer --server.port=$port --spring.threads.virtual.enabled=true > "$OUT/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
for _ in $(seq "$pairs"); do
  for path in broadcast-loop broadcast; do
    "$JDK25/bin/java" -Xmx3g -Djava.net.preferIPv4Stack=true -cp "$(cp_of loadgen)" dev.conduit.bench.load.Main broadcast \
      --url "ws://127.0.0.1:$port/$path" --label "$path" --receivers "$receivers" --messages 100 --size 64 \
      --warmup-rounds 2 --rounds 3 --pid $PID --jcmd "$JDK25/bin/jcmd" --results "$OUT/broadcast.jsonl" > "$OUT/load.log" 2>&1
  done
done
cat "$OUT/broadcast.jsonl"
