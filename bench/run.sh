#!/usr/bin/env bash
# Benchmark of the local stack (a script, not a test; about 8 minutes). Starts the stack itself
# (java -jar local-stack/target/local-stack.jar), then prints per service the time from JVM start
# to readiness UP and the RSS at idle and after load, and through bench/Bench.java the order
# flow's highest rate held 60 s with p99 < 100 ms, p50/p99 at 50 req/s, the gateway's throughput
# ratio against inventory-service directly, what the gateway adds per request beside what nginx as
# a plain reverse proxy adds (when nginx is installed), and errors at 32/64/128 concurrent
# connections.
# All traffic stays on 127.0.0.1. Everything it started is stopped on exit, Ctrl-C or failure.
#   bench/run.sh            (set JAVA_HOME to a JDK 21+; builds the jars if they are missing)
#   BENCH_AGENT=local bench/run.sh        every JVM with the local SkyWalking agent (the core jar
#                                         the build prepares), reporting to the in-test collector
#   BENCH_AGENT=/path/to/agent bench/run.sh   the same with another agent directory (an official one)
#   SHOP_POD_MEMORY=768m bench/run.sh     the JVMs' memory envelope (default 1g, the base's limit)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/stack.sh
. bench/stack.sh
declare -A idle_rss=()

start_trained_stack
echo

echo "== start-up: JVM start -> readiness UP (the launcher starts them one after the other)"
for port in 8082 8083 8081 8080; do
  printf "%-18s %5.1f s\n" "${names[$port]}" "$(awk -v r="${ready_ms[$port]}" -v s="${start_ms[$port]}" 'BEGIN {print (r - s) / 1000}')"
done
sleep 15
for port in "${!pid[@]}"; do idle_rss[$port]=$(rss_mib "${pid[$port]}"); done

echo
# nginx as a plain reverse proxy over the same two inventory instances, on 127.0.0.1:8090: the
# reference the gateway's added cost is measured against, in the same run (Debian: apt-get
# install nginx). Keep-alive to the upstreams, as the gateway keeps its connections.
nginx_url="" nginx_pid=""
if ! command -v nginx >/dev/null; then
  echo "nginx is not installed (apt-get install nginx): this run has no plain-proxy reference"
elif (exec 3<>/dev/tcp/127.0.0.1/8090) 2>/dev/null; then
  echo "port 8090 is in use: this run has no plain-proxy reference"
else
  mkdir -p "$work/nginx/logs"
  cat >"$work/nginx/nginx.conf" <<'CONF'
worker_processes auto;
error_log logs/error.log warn;
pid logs/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  upstream inventory { server 127.0.0.1:8082; server 127.0.0.1:8083; keepalive 64; }
  server {
    listen 127.0.0.1:8090;
    location / { proxy_pass http://inventory; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
  nginx -p "$work/nginx" -c nginx.conf -g 'daemon off;' &
  nginx_pid=$!
  helpers+=("$nginx_pid")
  for _ in $(seq 1 50); do curl -fsS -o /dev/null http://127.0.0.1:8090/api/inventory/items/SKU-RED-MUG 2>/dev/null && break; sleep 0.1; done
  nginx_url=http://127.0.0.1:8090
  echo "nginx $(nginx -v 2>&1 | sed 's/.*\///') as the plain-proxy reference on $nginx_url"
fi
# Tokens (bench/stack.sh): a customer's for the orders, the operator's for the restock.
BENCH_TOKEN=$(user_token alice)
BENCH_OPERATOR_TOKEN=$(user_token oscar)
export BENCH_TOKEN BENCH_OPERATOR_TOKEN
# In the background with wait: a signal then interrupts the wait and the trap runs at once.
postgres_pid=$(head -1 .local-stack/postgres-data/postmaster.pid)
"$java_cmd" bench/Bench.java http://127.0.0.1:8080 http://127.0.0.1:8082,http://127.0.0.1:8083 "$launcher" "$postgres_pid" \
  ${nginx_url:+"$nginx_url" "$nginx_pid"} >"$work/bench.txt" 2>&1 &
bench=$!
helpers+=("$bench")
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
  heap=$("$jcmd_cmd" "${pid[$port]}" GC.heap_info 2>/dev/null \
    | awk '/total/ { for (i = 1; i <= NF; i++) if ($i == "total") { v = $(i + 1); sub(/K,?/, "", v); t += v } } END { printf "%.0f", t / 1024 }')
  max_heap=$("$jcmd_cmd" "${pid[$port]}" VM.flags 2>/dev/null | tr ' ' '\n' \
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
added=$(sed -n 's/^RESULT added time per request.*gateway \/ nginx \([0-9.]*\).*/\1/p' "$work/bench.txt")
if [ -n "$added" ]; then
  printf "gateway adds <= 1.5 x what nginx adds: %s x       %s\n" "$added" "$(verdict "$(awk -v r="$added" 'BEGIN {print (r <= 1.5) ? 1 : 0}')")"
fi
printf "no errors at 32/64/128 concurrent: %s errors      %s\n" "$errors" "$(verdict $(( errors == 0 )))"
printf "RSS after load <= 85 %% of the limit: largest %s %%     %s\n" "$worst_share" "$(verdict $(( worst_share <= 85 )))"
