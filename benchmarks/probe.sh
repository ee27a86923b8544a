#!/usr/bin/env bash
# One server, one echo load, and what the server's process did per round trip: CPU split between
# user and kernel (/proc/PID/stat), read and write system calls (/proc/PID/io), context switches
# (perf stat, when perf is installed).
#   benchmarks/probe.sh conduit-25 16384 binary 16 10     # server, size, text|binary, connections, seconds
#   LOADGEN=both benchmarks/probe.sh gorilla 64 text 64 5  # our Java generator, then the Go one, same server process
#   RATE=20000 benchmarks/probe.sh netty 64 text 100 5     # the Go generator's fixed-rate load instead of echo
#   RATE=20000 benchmarks/probe.sh floor-vt-25 64 text 100 5  # the floor: a bare echo on a virtual thread per connection (benchmarks/floor)
#   STRACE=1 RATE=2000 benchmarks/probe.sh conduit-25 64 text 100 8  # every system call per message, by kind (strace)
# LOADGEN=java|go|both picks the load generator (default java); the Go one is built by benchmarks/go/build.sh.
# SERVER_JVM_EXTRA adds JVM options to our server and the peers (e.g. -Dconduit.websocket.transport=container, a Spring Boot property).
# Needs the module built as benchmarks/run.sh builds it (the gorilla server: benchmarks/go/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
B=benchmarks
cp_of() { echo "$B/$1/target/classes:$(cat "$B/$1/target/classpath.txt")"; }
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
name=$1 size=$2 type=$3 conns=$4 secs=$5
port=$((18500 + RANDOM % 400))
jvm=(-Xmx2g -XX:+UseG1GC -Djava.net.preferIPv4Stack=true ${SERVER_JVM_EXTRA:-})
path=/echo
case $name in
  conduit-25) JDK=$JDK25; cmd=("$JDK25/bin/java" "${jvm[@]}" -cp "$(cp_of peer-conduit)" dev.conduit.bench.conduit.ConduitPeer
                --server.port=$port --spring.threads.virtual.enabled=true) ;;
  # The probe of Tomcat's InternalHttpUpgradeHandler path instead of the read loop (BENCHMARKS.md).
  conduit-internal-25) JDK=$JDK25; path=/echo-internal; cmd=("$JDK25/bin/java" "${jvm[@]}" -cp "$(cp_of peer-conduit)"
                dev.conduit.bench.conduit.ConduitPeer --server.port=$port --spring.threads.virtual.enabled=true
                --conduit.bench.internal-upgrade-probe=true) ;;
  conduit-17) JDK=$JDK17; cmd=("$JDK17/bin/java" "${jvm[@]}" -cp "$(cp_of peer-conduit)" dev.conduit.bench.conduit.ConduitPeer --server.port=$port) ;;
  spring) JDK=$JDK25; cmd=("$JDK25/bin/java" "${jvm[@]}" -cp "$(cp_of peer-spring)" dev.conduit.bench.spring.SpringPeer --server.port=$port) ;;
  netty) JDK=$JDK25; cmd=("$JDK25/bin/java" "${jvm[@]}" -cp "$(cp_of peer-netty)" dev.conduit.bench.netty.NettyPeer $port) ;;
  # The floor of a thread per connection on the JVM (benchmarks/floor/FloorEcho.java): virtual or platform threads.
  floor-vt-25|floor-platform-25) JDK=$JDK25; kind=${name#floor-}; kind=${kind%-25}; [[ $kind == vt ]] && kind=virtual
                cmd=("$JDK25/bin/java" "${jvm[@]}" "$B/floor/FloorEcho.java" $port $kind) ;;
  # gorilla/websocket's echo server (no JVM: jcmd is never called for it).
  gorilla) JDK=$JDK25; cmd=("$B/go/bin/gorilla-peer" $port) ;;
  *) echo "unknown server $name" >&2; exit 2 ;;
esac
OUT=$(mktemp -d)
"${cmd[@]}" > "$OUT/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
LOADGEN=${LOADGEN:-java}
[[ -n ${RATE:-} ]] && LOADGEN=go
window=$((secs - 3))
# probe GENERATOR: one load with the server's counters read over its measured window.
probe() {
  (
    sleep 5   # dialling and the load generator's 3 s warm-up
    read -r -a a < /proc/$PID/stat; r0=$(awk '/syscr/{print $2}' /proc/$PID/io); w0=$(awk '/syscw/{print $2}' /proc/$PID/io)
    if [[ -n ${STRACE:-} ]]; then
      # Every system call of every thread, counted by kind (strace slows the server: use a low RATE).
      timeout -s INT "$window" strace -f -c -p $PID -o "$OUT/strace.txt" > /dev/null 2>&1 || true
    elif command -v perf > /dev/null; then
      timeout -s INT "$window" perf stat -e task-clock,context-switches -p $PID -o "$OUT/perf.txt" || true
    else
      sleep "$window"
    fi
    read -r -a b < /proc/$PID/stat; r1=$(awk '/syscr/{print $2}' /proc/$PID/io); w1=$(awk '/syscw/{print $2}' /proc/$PID/io)
    echo "window ${window}s: utime $(( b[13]-a[13] )) stime $(( b[14]-a[14] )) ticks, read calls $((r1-r0)), write calls $((w1-w0))" > "$OUT/window.txt"
  ) &
  WATCH=$!
  echo "load before ($1): $(cat /proc/loadavg)"
  if [[ $1 == go ]]; then
    if [[ -n ${RATE:-} ]]; then
      "$B/go/bin/loadgen" rate --url "ws://127.0.0.1:$port$path" --label "$name-probe" --connections "$conns" --rate "$RATE" \
        --size "$size" --type "$type" --warmup 3 --seconds "$secs" --pid $PID --results "$OUT/probe.jsonl" > "$OUT/load.log" 2>&1
    else
      "$B/go/bin/loadgen" echo --url "ws://127.0.0.1:$port$path" --label "$name-probe" --connections "$conns" --size "$size" \
        --type "$type" --warmup 3 --seconds "$secs" --pid $PID --results "$OUT/probe.jsonl" > "$OUT/load.log" 2>&1
    fi
  else
    "$JDK25/bin/java" -Xmx3g -Djava.net.preferIPv4Stack=true -cp "$(cp_of loadgen)" dev.conduit.bench.load.Main echo \
      --url "ws://127.0.0.1:$port$path" --label "$name-probe" --connections "$conns" --size "$size" --type "$type" \
      --warmup 3 --seconds "$secs" --pid $PID --jcmd "$JDK/bin/jcmd" --results "$OUT/probe.jsonl" > "$OUT/load.log" 2>&1
  fi
  wait $WATCH
  echo "load after ($1): $(cat /proc/loadavg)"
  tail -1 "$OUT/probe.jsonl"
  cat "$OUT/window.txt"
  grep -E "context-switches|task-clock" "$OUT/perf.txt" 2>/dev/null || true
  if [[ -s $OUT/strace.txt ]]; then
    # Per message: the window's calls over the messages the load moved in it (its achieved rate).
    local rate
    rate=$(tail -1 "$OUT/probe.jsonl" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("achievedRate") or d["messagesPerSecond"])')
    awk -v m="$(python3 -c "print($rate * $window)")" '$NF ~ /^[a-z_0-9]+$/ && $4+0 > 0 && $NF != "total" {printf "%s %.2f  ", $NF, $4/m; t += $4} END {printf "| total %.2f system calls per message\n", t/m}' "$OUT/strace.txt"
  fi
}
case $LOADGEN in
  java|go) probe "$LOADGEN" ;;
  both) probe java; sleep 2; probe go ;;
  *) echo "LOADGEN must be java, go or both" >&2; exit 2 ;;
esac
echo "(divide the window's counts by round trips/s × window seconds for per-round-trip figures)"
