#!/usr/bin/env bash
# Benchmark of the local stack (a script, not a test; about 8 minutes). Starts the stack itself
# (java -jar local-stack/target/local-stack.jar), then prints per service the time from JVM start
# to readiness UP and the RSS at idle and after load, and through bench/Bench.java the order
# flow's highest rate held 60 s with p99 < 100 ms, p50/p99 at 50 req/s, the gateway's throughput
# ratio against inventory-service directly, and errors at 32/64/128 concurrent connections.
# All traffic stays on 127.0.0.1. Everything it started is stopped on exit, Ctrl-C or failure.
#   bench/run.sh            (set JAVA_HOME to a JDK 21+; builds the jars if they are missing)
#   BENCH_AGENT=local bench/run.sh        every JVM with the local SkyWalking agent (the core jar
#                                         the build prepares), reporting to the in-test collector
#   BENCH_AGENT=/path/to/agent bench/run.sh   the same with another agent directory (an official one)
#   SHOP_POD_MEMORY=768m bench/run.sh     the JVMs' memory envelope (default 1g, the base's limit)
set -euo pipefail
cd "$(dirname "$0")/.."
project=$(pwd)
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
work=$(mktemp -d /tmp/shop-bench.XXXXXX)
launcher=""
bench=""
collector=""
declare -A pid=() ready_ms=() start_ms=() idle_rss=()

cleanup() {
  trap - EXIT INT TERM
  [ -z "$bench" ] || kill -TERM "$bench" 2>/dev/null || true
  [ -z "$collector" ] || kill -TERM "$collector" 2>/dev/null || true
  if [ -n "$launcher" ] && kill -0 "$launcher" 2>/dev/null; then
    kill -TERM "$launcher" 2>/dev/null || true  # its shutdown hook stops the services and PostgreSQL
    for _ in $(seq 1 30); do kill -0 "$launcher" 2>/dev/null || break; sleep 1; done
    kill -KILL "$launcher" 2>/dev/null || true
  fi
  for p in "${pid[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  echo "stopped everything this script started (logs: $work)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in 8080 8081 8082 8083 9080 9081 9082 9083 11800 15432; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "port $port is in use: stop the running stack first" >&2
    exit 1
  fi
done
if ! ls local-stack/target/local-stack.jar gateway/target/gateway.jar >/dev/null 2>&1; then
  ./mvnw -B -q -DskipTests -Dspotless.check.skip=true package
fi

# With BENCH_AGENT, the in-test collector (OAP's gRPC protocol, skywalking-collector/) listens on
# 127.0.0.1:11800 and every service JVM gets the agent, as every pod does in the cluster.
case "${BENCH_AGENT:-}" in
  "") ;;
  local) export SKYWALKING_AGENT_DIR="$project/skywalking-collector/target/skywalking-agent" ;;
  *) export SKYWALKING_AGENT_DIR="$BENCH_AGENT" ;;
esac
if [ -n "${SKYWALKING_AGENT_DIR:-}" ]; then
  [ -f "$SKYWALKING_AGENT_DIR/skywalking-agent.jar" ] || { echo "no skywalking-agent.jar in $SKYWALKING_AGENT_DIR" >&2; exit 1; }
  ./mvnw -B -q -pl skywalking-collector dependency:build-classpath -Dmdep.outputFile="$work/collector.classpath" >/dev/null
  "$java_cmd" -cp "skywalking-collector/target/classes:$(cat "$work/collector.classpath")" \
    io.shopstack.skywalking.collector.SkyWalkingCollector 11800 >"$work/collector.log" 2>&1 &
  collector=$!
  export SW_AGENT_COLLECTOR_BACKEND_SERVICES=127.0.0.1:11800
fi
pod_memory="${SHOP_POD_MEMORY:-1g}"
export SHOP_POD_MEMORY="$pod_memory"

now_ms() { date +%s%3N; }
clk_tck=$(getconf CLK_TCK)
btime=$(awk '/^btime/ {print $2}' /proc/stat)
# Process start time in epoch ms from /proc/<pid>/stat (field 22, clock ticks since boot).
proc_start_ms() { awk -v t="$clk_tck" -v b="$btime" '{ sub(/^.*\) /, ""); printf "%.0f", (b + $20 / t) * 1000 }' "/proc/$1/stat"; }
rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

declare -A names=([8080]=gateway [8081]=order-service [8082]=inventory-a [8083]=inventory-b)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r); $("$java_cmd" -version 2>&1 | head -1)"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "JVMs:    memory envelope $pod_memory (SHOP_POD_MEMORY), agent: ${SKYWALKING_AGENT_DIR:-none}"

start_stack() {
  SHOP_PROJECT_DIR="$project" SHOP_BATCH_INTERVAL=86400 "$java_cmd" -jar local-stack/target/local-stack.jar \
    >"$work/local-stack.log" 2>&1 &
  launcher=$!
}
stop_stack() {
  kill -TERM "$launcher"
  wait "$launcher" || true
  launcher=""
}

# The launcher starts each service from its extracted jar with the JDK's class cache, which the
# first start after a build writes when the services stop (local-stack's StartupCache). Measure
# the starts users get every time after that: when the launcher says it is still writing a cache,
# this start (with a little traffic) is only the training run, and the stack is started again.
measure_start() {
  pid=(); ready_ms=(); start_ms=()
  start_stack
  # Find the service JVMs (children of the launcher, by jar path and port) and poll each one's
  # readiness on its management port (port + 1000) every 100 ms until UP.
  local deadline=$(( $(now_ms) + 180000 ))
  while [ "${#ready_ms[@]}" -lt 4 ]; do
    kill -0 "$launcher" 2>/dev/null || { echo "the launcher died:"; tail -20 "$work/local-stack.log"; exit 1; }
    [ "$(now_ms)" -lt "$deadline" ] || { echo "not ready after 180 s"; exit 1; }
    for child in $(pgrep -P "$launcher" || true); do
      args=$(tr '\0' ' ' <"/proc/$child/cmdline" 2>/dev/null || true)
      [[ "$args" == *"/target/"*".jar"* ]] || continue
      port=$(sed -n 's/.*--server.port=\([0-9]*\).*/\1/p' <<<"$args")
      if [ -n "$port" ] && [ -n "${names[$port]:-}" ] && [ -z "${pid[$port]:-}" ]; then
        pid[$port]=$child
        start_ms[$port]=$(proc_start_ms "$child")
      fi
    done
    for port in "${!pid[@]}"; do
      [ -z "${ready_ms[$port]:-}" ] || continue
      if curl -fsS -m 1 "http://127.0.0.1:$((port + 1000))/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; then
        ready_ms[$port]=$(now_ms)
      fi
    done
    sleep 0.1
  done
  until grep -q "The shop is ready" "$work/local-stack.log"; do sleep 0.2; done
}

measure_start
grep "^Class cache" "$work/local-stack.log" || true
if grep -q "written when stopped" "$work/local-stack.log"; then
  echo "(that was the training run: a little traffic, then stop and start again; about a minute)"
  for _ in $(seq 1 50); do
    curl -fsS -o /dev/null http://127.0.0.1:8080/api/inventory/items/SKU-RED-MUG || true
    curl -fsS -o /dev/null -X POST http://127.0.0.1:8080/api/orders -H 'Content-Type: application/json' \
      -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" \
      -d '{"lines":[{"sku":"SKU-RED-MUG","quantity":1}]}' || true
  done
  stop_stack
  measure_start
  grep "^Class cache" "$work/local-stack.log" || true
fi
echo

echo "== start-up: JVM start -> readiness UP (the launcher starts them one after the other)"
for port in 8082 8083 8081 8080; do
  printf "%-18s %5.1f s\n" "${names[$port]}" "$(awk -v r="${ready_ms[$port]}" -v s="${start_ms[$port]}" 'BEGIN {print (r - s) / 1000}')"
done
sleep 15
for port in "${!pid[@]}"; do idle_rss[$port]=$(rss_mib "${pid[$port]}"); done

echo
# In the background with wait: a signal then interrupts the wait and the trap runs at once.
postgres_pid=$(head -1 .local-stack/postgres-data/postmaster.pid)
"$java_cmd" bench/Bench.java http://127.0.0.1:8080 http://127.0.0.1:8082,http://127.0.0.1:8083 "$launcher" "$postgres_pid" \
  >"$work/bench.txt" 2>&1 &
bench=$!
tail -n +1 -f --pid="$bench" "$work/bench.txt" &
follower=$!
wait "$bench" || { echo "Bench.java failed"; exit 1; }
wait "$follower"

echo
limit_mib=$(awk -v m="$pod_memory" 'BEGIN { n = m + 0; u = tolower(substr(m, length(m))); print (u == "g") ? n * 1024 : (u == "m") ? n : n / 1048576 }')
echo "== RSS (VmRSS, MiB): idle (15 s after ready) -> after load, against the pod limit ($limit_mib MiB);"
echo "   heap: the maximum the JVM took and what it has committed after the load (jcmd GC.heap_info)"
worst_share=0
for port in 8082 8083 8081 8080; do
  rss=$(rss_mib "${pid[$port]}")
  heap=$("${JAVA_HOME:+$JAVA_HOME/bin/}jcmd" "${pid[$port]}" GC.heap_info 2>/dev/null \
    | awk '/total/ { for (i = 1; i <= NF; i++) if ($i == "total") { v = $(i + 1); sub(/K,?/, "", v); t += v } } END { printf "%.0f", t / 1024 }')
  max_heap=$("${JAVA_HOME:+$JAVA_HOME/bin/}jcmd" "${pid[$port]}" VM.flags 2>/dev/null | tr ' ' '\n' \
    | awk -F= '/^-XX:MaxHeapSize=/ { printf "%.0f", $2 / 1048576 }')
  share=$(awk -v r="$rss" -v l="$limit_mib" 'BEGIN { printf "%.0f", 100 * r / l }')
  [ "$share" -gt "$worst_share" ] && worst_share=$share
  printf "%-18s %5s -> %5s MiB  %3s %% of the limit   heap max %4s MiB, committed %4s MiB, the rest %4s MiB\n" \
    "${names[$port]}" "${idle_rss[$port]}" "$rss" "$share" "$max_heap" "$heap" "$((rss - heap))"
done

echo
echo "== targets"
worst_ready=0; worst_rss=0
for port in "${!pid[@]}"; do
  t=$(( ready_ms[$port] - start_ms[$port] )); [ "$t" -gt "$worst_ready" ] && worst_ready=$t
  [ "${idle_rss[$port]}" -gt "$worst_rss" ] && worst_rss=${idle_rss[$port]}
done
ratio=$(sed -n 's/^RESULT gateway throughput ratio: \([0-9.]*\).*/\1/p' "$work/bench.txt")
errors=$(sed -n 's/^RESULT errors at 32\/64\/128 concurrent: //p' "$work/bench.txt")
verdict() { if [ "$1" = 1 ]; then echo MET; else echo MISSED; fi; }
printf "every service ready in <= 6 s:     slowest %.1f s   %s\n" "$(awk -v t=$worst_ready 'BEGIN {print t/1000}')" "$(verdict $(( worst_ready <= 6000 )))"
printf "every service < 300 MiB RSS idle:  largest %s MiB  %s\n" "$worst_rss" "$(verdict $(( worst_rss < 300 )))"
printf "gateway throughput ratio >= 0.6:   %s           %s\n" "$ratio" "$(verdict "$(awk -v r="$ratio" 'BEGIN {print (r >= 0.6) ? 1 : 0}')")"
printf "no errors at 32/64/128 concurrent: %s errors      %s\n" "$errors" "$(verdict $(( errors == 0 )))"
printf "RSS after load <= 85 %% of the limit: largest %s %%     %s\n" "$worst_share" "$(verdict $(( worst_share <= 85 )))"
