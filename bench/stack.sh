# shellcheck shell=bash disable=SC2034 # its variables are read by the scripts that source it
# The local stack for the benchmark scripts (sourced by bench/run.sh and bench/hpa.sh, from the
# project directory, under set -euo pipefail): checks the ports, builds the jars if they are
# missing, starts the in-test collector when BENCH_AGENT asks for an agent, starts and stops
# java -jar local-stack/target/local-stack.jar, finds the service JVMs and times their start.
# Everything started here is stopped on exit, Ctrl-C or failure; a script that starts more
# processes adds their ids to helpers (stopped first).
project=$(pwd)
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jcmd_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}jcmd"
work=$(mktemp -d "/tmp/shop-$(basename "$0" .sh).XXXXXX")
launcher=""
collector=""
helpers=()
declare -A pid=() ready_ms=() start_ms=()
declare -A names=([8080]=gateway [8081]=order-service [8082]=inventory-a [8083]=inventory-b [9000]=auth-server)

stack_cleanup() {
  trap - EXIT INT TERM
  for p in "${helpers[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  [ -z "$collector" ] || kill -TERM "$collector" 2>/dev/null || true
  if [ -n "$launcher" ] && kill -0 "$launcher" 2>/dev/null; then
    kill -TERM "$launcher" 2>/dev/null || true  # its shutdown hook stops the services and PostgreSQL
    for _ in $(seq 1 30); do kill -0 "$launcher" 2>/dev/null || break; sleep 1; done
    kill -KILL "$launcher" 2>/dev/null || true
  fi
  for p in "${pid[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  echo "stopped everything this script started (logs: $work)"
}
trap stack_cleanup EXIT
trap 'exit 130' INT TERM

for port in 8080 8081 8082 8083 9000 9080 9081 9082 9083 10000 11800 15432; do
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
# CPU time (utime + stime, clock ticks) of the given processes together.
cpu_ticks() { for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null || true; done | awk '{ sub(/^.*\) /, ""); t += $12 + $13 } END { print t + 0 }'; }
rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
# PostgreSQL runs detached from the launcher (pg_ctl): its server and the server's children.
postgres_pids() {
  local server
  server=$(head -1 .local-stack/postgres-data/postmaster.pid)
  { echo "$server"; pgrep -P "$server" || true; } | tr '\n' ' '

}

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

# Starts the stack, finds the service JVMs (children of the launcher, by jar path and port) and
# polls each one's readiness on its management port (port + 1000) every 100 ms until UP.
measure_start() {
  pid=(); ready_ms=(); start_ms=()
  start_stack
  local deadline=$(( $(now_ms) + 180000 ))
  while [ "${#ready_ms[@]}" -lt "${#names[@]}" ]; do
    kill -0 "$launcher" 2>/dev/null || { echo "the launcher died:"; tail -20 "$work/local-stack.log"; exit 1; }
    [ "$(now_ms)" -lt "$deadline" ] || { echo "not ready after 180 s"; exit 1; }
    for child in $(pgrep -P "$launcher" || true); do
      args=$(tr '\0' ' ' <"/proc/$child/cmdline" 2>/dev/null || true)
      [[ "$args" == *"/target/"*".jar"* ]] || continue
      [[ "$args" != *"-Dspring.context.exit=onRefresh"* ]] || continue  # a training run
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

# An access token as a client gets it (authorization code with PKCE, ./shop-token.sh), with the
# demo password the launcher gave auth-server.
user_token() {
  SHOP_PASSWORD=$(cat ".local-stack/secrets/auth-server/shop.auth.users.$1.password") ./shop-token.sh "$1"
}

# The launcher starts each service from its extracted jar with the JDK's class cache; after a
# build it makes the cache first, in a training run of each service (local-stack's StartupCache:
# the service with -Dspring.context.exit=onRefresh, skipped by measure_start), so every start
# measured here is one with the cache.
start_trained_stack() {
  measure_start
  grep "^Class cache" "$work/local-stack.log" || true
}
