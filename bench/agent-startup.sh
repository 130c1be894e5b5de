#!/usr/bin/env bash
# Start-up of the gateway as it runs in a pod: with a SkyWalking agent attached, in the pod's
# memory envelope (1 GiB, heap 40 %, serial GC), without and with a JDK 25 ahead-of-time cache
# trained with the same agent, AOTClassLinking on (the JDK's default) and off. For each it prints
# the time from JVM start to readiness UP and whether the gateway's call downstream still carries
# the agent's sw8 header (a fake inventory-service records it; the in-test collector takes the
# agent's reports). A faster start that loses propagation is no win. About 3 minutes.
#   bench/agent-startup.sh /path/to/skywalking-agent      (the stack must not be running)
set -euo pipefail
cd "$(dirname "$0")/.."
agent="${1:?usage: bench/agent-startup.sh /path/to/skywalking-agent (a directory with skywalking-agent.jar)}"
[ -f "$agent/skywalking-agent.jar" ] || { echo "no skywalking-agent.jar in $agent" >&2; exit 1; }
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
work=$(mktemp -d /tmp/shop-agent-startup.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -f gateway/target/gateway.jar ] || ./mvnw -B -q -DskipTests -Dspotless.check.skip=true package -pl gateway -am
# The AOT cache needs a plain class path (not the nested jars of the executable jar).
"$java_cmd" -Djarmode=tools -jar gateway/target/gateway.jar extract --destination "$work/app" >/dev/null
./mvnw -B -q -pl skywalking-collector dependency:build-classpath -Dmdep.outputFile="$work/collector.classpath" >/dev/null
"$java_cmd" -cp "skywalking-collector/target/classes:$(cat "$work/collector.classpath")" \
  io.shopstack.skywalking.collector.SkyWalkingCollector 11800 >"$work/collector.log" 2>&1 &
pids+=("$!")
# A stand-in for inventory-service that notes whether each request carried sw8.
cat >"$work/inventory.py" <<'PY'
import http.server, sys
class Inventory(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(sys.argv[2], 'a') as f:
            f.write(('sw8' if self.headers.get('sw8') else 'no-sw8') + '\n')
        body = b'{"sku":"SKU-RED-MUG","name":"Red mug","available":1}'
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), Inventory).serve_forever()
PY
python3 "$work/inventory.py" 18082 "$work/headers.txt" &
pids+=("$!")
sleep 3

args=(--server.address=127.0.0.1 --server.port=18080
  --management.server.address=127.0.0.1 --management.server.port=19080
  "--spring.cloud.discovery.client.simple.instances.inventory-service[0].uri=http://127.0.0.1:18082")
jvm=(-XX:MaxRAM=1g -XX:MaxRAMPercentage=40 -XX:+UseSerialGC "-javaagent:$agent/skywalking-agent.jar"
  -Dorg.apache.skywalking.apm.dependencies.net.bytebuddy.experimental=true)
export SW_AGENT_NAME=gateway SW_AGENT_COLLECTOR_BACKEND_SERVICES=127.0.0.1:11800
export SW_LOGGING_DIR="$work" SW_LOGGING_FILE_NAME=agent.log

ready() {
  until curl -fsS -m 1 http://127.0.0.1:19080/actuator/health/readiness 2>/dev/null | grep -q '"UP"'; do
    kill -0 "$1" 2>/dev/null || { echo "the gateway died: $2"; exit 1; }
    sleep 0.1
  done
}
read_item() { for _ in "$@"; do curl -fsS -o /dev/null http://127.0.0.1:18080/api/inventory/items/SKU-RED-MUG; done; }

# Training: the same agent and flags, some traffic through the proxy path, then a clean stop
# (the JVM writes the cache at exit).
train() {
  local name=$1; shift
  "$java_cmd" "${jvm[@]}" "$@" -XX:AOTCacheOutput="$work/$name.aot" -jar "$work/app/gateway.jar" "${args[@]}" \
    >"$work/train-$name.log" 2>&1 &
  local p=$!
  ready "$p" "$work/train-$name.log"
  read_item $(seq 1 200)
  kill -TERM "$p"; wait "$p" || true
}

measure() {
  local label=$1; shift
  : >"$work/headers.txt"
  local start end p
  start=$(date +%s%3N)
  "$java_cmd" "${jvm[@]}" "$@" -jar "$work/app/gateway.jar" "${args[@]}" >"$work/$label.log" 2>&1 &
  p=$!
  ready "$p" "$work/$label.log"
  end=$(date +%s%3N)
  sleep 5  # the agent connects to the collector; before that it traces nothing
  read_item 1 2 3
  printf "%-34s ready %5.1f s   downstream requests: %s\n" "$label" \
    "$(awk -v d=$((end - start)) 'BEGIN {print d / 1000}')" "$(sort "$work/headers.txt" | uniq -c | xargs)"
  kill -TERM "$p"; wait "$p" || true
}

echo "gateway alone with $agent, $(nproc) cores, $("$java_cmd" -version 2>&1 | head -1)"
measure "agent, no cache"
train linked
measure "agent, AOT cache" -XX:AOTCache="$work/linked.aot"
train unlinked -XX:-AOTClassLinking
measure "agent, AOT cache, -AOTClassLinking" -XX:AOTCache="$work/unlinked.aot" -XX:-AOTClassLinking
echo "(logs: $work)"
