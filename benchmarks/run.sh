#!/usr/bin/env bash
# Runs every benchmark of BENCHMARKS.md: JMH, then each server in turn on 127.0.0.1 under identical,
# bounded loads from the load generator, then renders the tables and the chart into BENCHMARKS.md.
#   benchmarks/run.sh           full run (about 40 minutes)
#   benchmarks/run.sh --quick   smoke run (about 5 minutes; smaller loads, figures not for quoting)
# Environment: JDK17, JDK25 (JDK homes), SKIP_JMH=1, SKIP_LOAD=1, SERVERS="conduit-25 conduit-17 spring netty gorilla floor-vt-25",
#   LOADS="idle echo broadcast rate" (a subset, or a --quick run, leaves BENCHMARKS.md and the committed
#   results alone: its figures go to benchmarks/results/partial/),
#   LOADGEN=java|go|both: our Java load generator (benchmarks/loadgen, results in load.jsonl), the
#   neutral Go one on gorilla/websocket (benchmarks/go, results in load-go.jsonl), or both back to back
#   on the same server process (default). The fixed-rate loads and the gorilla server need Go and
#   Debian's gorilla/websocket source (benchmarks/go/build.sh builds both offline).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/benchmarks
OUT=$B/results
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
QUICK=0
PROFILE=0
[[ ${1:-} == --quick ]] && QUICK=1
# --profile: only our server on Java 25 under the echo loads, with Java Flight Recorder; prints the hottest methods.
[[ ${1:-} == --profile ]] && PROFILE=1

if ((QUICK)); then
  JMH_JDKS="25"; JMH_ARGS=(-f 1 -wi 1 -i 2 -w 1s -r 1s)
  ECHO_REPEATS=1; ECHO_WARMUP=2; ECHO_SECONDS=4; BC_RECEIVERS=200; BC_WARMUP=1; BC_ROUNDS=2; IDLE_COUNTS=1000,2000; IDLE_WARMUP=2000
  RATE_WARMUP=1; RATE_SECONDS=4; RATE_REPEATS=1
else
  JMH_JDKS="17 25"; JMH_ARGS=(-f 1 -wi 2 -i 3 -w 1s -r 1s)
  ECHO_REPEATS=3; ECHO_WARMUP=5; ECHO_SECONDS=10; BC_RECEIVERS=1000; BC_WARMUP=2; BC_ROUNDS=3; IDLE_COUNTS=5000,10000; IDLE_WARMUP=20000
  RATE_WARMUP=2; RATE_SECONDS=10; RATE_REPEATS=3
fi
SERVERS=${SERVERS:-"conduit-25 conduit-17 spring netty gorilla floor-vt-25"}
LOADS=${LOADS:-"idle echo broadcast rate"}
LOADGEN=${LOADGEN:-both}
[[ $LOADGEN =~ ^(java|go|both)$ ]] || { echo "LOADGEN must be java, go or both" >&2; exit 2; }
((PROFILE)) && LOADGEN=java
# The fixed-rate loads: connections and offered messages per second over all of them (64 B text).
RATE_SHAPES=("1 1000" "100 20000")
SPLICE=1
[[ $LOADS == "idle echo broadcast rate" ]] || SPLICE=0
((QUICK)) && SPLICE=0
if ((!SPLICE)); then
  OUT=$B/results/partial
fi
runs() { [[ " $LOADS " == *" $1 "* ]]; }

# 10,000 idle connections need 10,000 descriptors on each side (plus the JVM's own).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

echo "== build (-Pbenchmarks)"
"$ROOT/mvnw" -B -q -Pbenchmarks -pl benchmarks/micro,benchmarks/loadgen,benchmarks/peer-conduit,benchmarks/peer-spring,benchmarks/peer-netty \
  -am -DskipTests package
cp_of() { echo "$B/$1/target/classes:$(cat "$B/$1/target/classpath.txt")"; }
if [[ $LOADGEN != java || " $SERVERS " == *" gorilla "* ]]; then
  "$B/go/build.sh"
fi

mkdir -p "$OUT"
RESULTS=$OUT/load.jsonl
RESULTS_GO=$OUT/load-go.jsonl
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "command: benchmarks/run.sh $*"
  echo "commit: $(git rev-parse --short HEAD)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; memory: $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "kernel: $(uname -r)"
  for j in "$JDK17" "$JDK25"; do echo "jdk: $("$j/bin/java" -version 2>&1 | head -2 | tail -1)"; done
  command -v go > /dev/null && echo "go: $(go version | cut -d' ' -f3); gorilla/websocket: Debian's $(dpkg-query -W -f '${Version}' golang-github-gorilla-websocket-dev 2>/dev/null || echo source)"
} > "$OUT/environment.txt"
cat "$OUT/environment.txt"

if ((PROFILE)); then
  SKIP_JMH=1
fi
if [[ ${SKIP_JMH:-0} != 1 ]]; then
  for v in $JMH_JDKS; do
    jdk=JDK$v; jdk=${!jdk}
    echo "== JMH on Java $v"
    "$jdk/bin/java" -cp "$(cp_of micro)" org.openjdk.jmh.Main "${JMH_ARGS[@]}" \
      -rf json -rff "$OUT/jmh-$v.json" 'dev.conduit.bench.micro.*' > "$OUT/jmh-$v.log"
    tail -45 "$OUT/jmh-$v.log"
  done
fi

SERVER_PID=
stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    for _ in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT

# start_server NAME PORT: starts it in the background, sets SERVER_PID and SERVER_JDK, waits until the port answers.
start_server() {
  local name=$1 port=$2 jvm=(-Xmx2g -XX:+UseG1GC -Djava.net.preferIPv4Stack=true)
  case $name in
    conduit-25) SERVER_JDK=$JDK25
      cmd=("$JDK25/bin/java" "${jvm[@]}" ${SERVER_JVM_EXTRA:-} -cp "$(cp_of peer-conduit)" dev.conduit.bench.conduit.ConduitPeer
           --server.port="$port" --spring.threads.virtual.enabled=true) ;;
    conduit-17) SERVER_JDK=$JDK17
      # Platform threads: the starter raises server.tomcat.threads.max to max-connections + 200.
      cmd=("$JDK17/bin/java" "${jvm[@]}" ${SERVER_JVM_EXTRA:-} -cp "$(cp_of peer-conduit)" dev.conduit.bench.conduit.ConduitPeer
           --server.port="$port") ;;
    spring) SERVER_JDK=$JDK25
      cmd=("$JDK25/bin/java" "${jvm[@]}" -cp "$(cp_of peer-spring)" dev.conduit.bench.spring.SpringPeer --server.port="$port") ;;
    netty) SERVER_JDK=$JDK25
      cmd=("$JDK25/bin/java" "${jvm[@]}" -cp "$(cp_of peer-netty)" dev.conduit.bench.netty.NettyPeer "$port") ;;
    # The floor of a thread per connection on the JVM: no library, virtual threads, echo only.
    floor-vt-25) SERVER_JDK=$JDK25
      cmd=("$JDK25/bin/java" "${jvm[@]}" "$B/floor/FloorEcho.java" "$port" virtual) ;;
    # gorilla/websocket's echo server and a chat-style broadcast hub (Go; SERVER_JDK only fills --jcmd).
    gorilla) SERVER_JDK=$JDK25
      cmd=("$B/go/bin/gorilla-peer" "$port") ;;
    *) echo "unknown server $name" >&2; exit 2 ;;
  esac
  "${cmd[@]}" >> "$OUT/server-$name.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "$name died:"; tail -30 "$OUT/server-$name.log"; exit 1; }
    sleep 0.2
  done
  echo "$name did not listen on $port within 60 s" >&2; exit 1
}

# quiet: waits until the machine is idle (at least 90% idle CPU over 2 s; at most 60 s) and says so.
quiet() {
  local idle=0 a b
  for _ in $(seq 30); do
    read -r -a a < /proc/stat; sleep 2; read -r -a b < /proc/stat
    local total=0 k
    for k in 1 2 3 4 5 6 7 8; do total=$((total + b[k] - a[k])); done
    idle=$(( total > 0 ? 100 * (b[4] - a[4]) / total : 0 ))
    ((idle >= 90)) && break
  done
  echo "   quiet: ${idle}% idle CPU over the last 2 s"
}

# Bounded: no load runs longer than 10 minutes, whatever a server does.
load_java() {
  timeout 600 "$JDK25/bin/java" -Xmx3g -Djava.net.preferIPv4Stack=true -cp "$(cp_of loadgen)" dev.conduit.bench.load.Main "$@" \
    --pid "$SERVER_PID" --jcmd "$SERVER_JDK/bin/jcmd" --results "$RESULTS"
}
load_go() {
  timeout 600 "$B/go/bin/loadgen" "$@" --pid "$SERVER_PID" --results "$RESULTS_GO"
}
# load LOAD ARGS: the load from the generators LOADGEN names, one after the other on the same server
# process (the machine quiet again in between); idle is the Java generator's only (it reads the heap with jcmd).
load() {
  if [[ $LOADGEN != go || $1 == idle ]]; then
    load_java "$@"
    [[ $LOADGEN == both && $1 != idle ]] && quiet
  fi
  if [[ $LOADGEN != java && $1 != idle ]]; then
    load_go "$@"
  fi
  return 0
}

if ((PROFILE)); then
  rm -f "$OUT/conduit-25.jfr"
  SERVER_JVM_EXTRA="-XX:StartFlightRecording=filename=$OUT/conduit-25.jfr,settings=profile,dumponexit=true"
  RESULTS=$OUT/profile.jsonl
  start_server conduit-25 18090
  load echo --url ws://127.0.0.1:18090/echo --label conduit-25-jfr --connections 64 --size 64 --type text --warmup 5 --seconds 20
  load echo --url ws://127.0.0.1:18090/echo --label conduit-25-jfr --connections 16 --size 16384 --type binary --warmup 5 --seconds 20
  stop_server
  "$JDK25/bin/jfr" view --width 200 hot-methods "$OUT/conduit-25.jfr" | tee "$OUT/profile-hot-methods.txt"
  # Top frames aggregated by class and method, from the raw execution samples.
  "$JDK25/bin/jfr" print --events jdk.ExecutionSample --stack-depth 1 "$OUT/conduit-25.jfr" \
    | awk '/stackTrace = \[/{getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); n[$0]++; t++} END {for (m in n) printf "%6.2f%% %s\n", 100*n[m]/t, m}' \
    | sort -rn | head -40 | tee "$OUT/profile-top-frames.txt"
  exit 0
fi

if [[ ${SKIP_LOAD:-0} != 1 ]]; then
  rm -f "$RESULTS" "$RESULTS_GO" "$OUT"/server-*.log
  port=18080
  # Each load group runs on a fresh server process, after the machine has gone quiet: the previous
  # step (10,000 idle connections, 10,000 platform threads on Java 17, the previous server's exit)
  # must not weigh on the next measurement. Echo loads are measured ECHO_REPEATS times; the report
  # gives the median of each figure.
  next_server() {
    stop_server
    port=$((port + 1))   # a fresh port per start: no TIME_WAIT left by the previous one can collide
    start_server "$1" "$port"
  }
  for s in $SERVERS; do
    echo "== $s"
    if runs idle && [[ $s != gorilla && $s != floor-* ]]; then   # the idle load reads a JVM's heap; the floor has no idle figure
      next_server "$s"
      load idle --url "ws://127.0.0.1:$port/echo" --label "$s" --counts "$IDLE_COUNTS"
      # Again on a fresh process that has first served IDLE_WARMUP short connections (JIT-compiled
      # code parks in smaller frames): the figure of a server that has been up a while.
      next_server "$s"
      load idle --url "ws://127.0.0.1:$port/echo" --label "$s" --counts "$IDLE_COUNTS" --warmup-connections "$IDLE_WARMUP"
    fi
    if runs echo; then
      next_server "$s"
      for shape in "64 64 text" "16 16384 binary"; do   # connections, message size, type
        read -r conns size type <<< "$shape"
        for _ in $(seq "$ECHO_REPEATS"); do
          quiet
          load echo --url "ws://127.0.0.1:$port/echo" --label "$s" --connections "$conns" --size "$size" --type "$type" \
            --warmup "$ECHO_WARMUP" --seconds "$ECHO_SECONDS"
        done
      done
    fi
    if runs broadcast && [[ $s != floor-* ]]; then   # the floor only echoes
      next_server "$s"
      quiet
      load broadcast --url "ws://127.0.0.1:$port/broadcast" --label "$s" --receivers "$BC_RECEIVERS" \
        --messages 100 --size 64 --warmup-rounds "$BC_WARMUP" --rounds "$BC_ROUNDS"
    fi
    if runs rate; then
      # Fixed offered rate, latency from each message's scheduled send time (the Go generator only).
      if [[ $LOADGEN == java ]]; then
        echo "   rate: skipped (the fixed-rate load is the Go generator's; LOADGEN=java)"
      else
        for shape in "${RATE_SHAPES[@]}"; do
          read -r conns rate <<< "$shape"
          next_server "$s"
          # Latency percentiles move between runs more than throughput does: the report gives the
          # median of RATE_REPEATS measurements on the same process.
          for _ in $(seq "$RATE_REPEATS"); do
            quiet
            load_go rate --url "ws://127.0.0.1:$port/echo" --label "$s" --connections "$conns" --rate "$rate" \
              --size 64 --type text --warmup "$RATE_WARMUP" --seconds "$RATE_SECONDS"
          done
        done
      fi
    fi
    stop_server
  done
fi

echo "== report"
"$JDK25/bin/java" -Djava.awt.headless=true -cp "$(cp_of loadgen)" dev.conduit.bench.load.Main report \
  --results "$RESULTS" --jmh-dir "$OUT" --chart "$OUT/chart.png" --markdown "$OUT/results.md" \
  $( ((SPLICE)) && echo --splice "$ROOT/BENCHMARKS.md" )
if [[ -s $RESULTS_GO ]]; then
  python3 "$B/go/report.py" "$RESULTS_GO" $( ((SPLICE)) && echo --splice "$ROOT/BENCHMARKS.md" ) > "$OUT/results-go.md"
  cat "$OUT/results-go.md"
fi
