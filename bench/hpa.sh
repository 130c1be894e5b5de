#!/usr/bin/env bash
# What the load test asks of each autoscaler (a script, not a test; about 12 minutes). Starts the
# local stack, runs the load-test module's Gatling simulation (ShopSimulation: the Job's traffic
# mix) at a few constant rates, and measures from /proc the CPU each service spends per shopper
# (utime + stime, less what it spends idle). The figures go to load-test/cpu-per-shopper.properties
# (date, machine and agent beside them), where k8s-tests' AutoscalingTest reads them: it replays
# the Job's phases through the HorizontalPodAutoscaler algorithm for the rendered manifests of
# every overlay, fails the build when an autoscaler would stay flat, and prints the timeline that
# this script shows at the end (and k8s/components/load-test/README.md quotes).
#   bench/hpa.sh                          (set JAVA_HOME to a JDK 21+; builds the jars if missing)
#   BENCH_AGENT=/path/to/agent bench/hpa.sh   every service JVM with that SkyWalking agent, as in the
#                                         cluster (the figures the autoscalers see); BENCH_AGENT=local
#                                         for the core agent the build prepares
#   HPA_RATES="40 20 10" HPA_SECONDS=60 bench/hpa.sh   the rates (shoppers/s) and how long each runs
#   HPA_WARMUP_SECONDS=240 bench/hpa.sh   the unmeasured warm-up at the highest rate (default 240)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/stack.sh
. bench/stack.sh
# Highest first: the JIT keeps compiling for minutes, and CPU it spends then would be charged to
# whichever rate runs first; the low rates, where every shopper counts most, come last. (80/s
# saturated 2 cores with the agent on 2026-12-01: requests failed, figures of an overloaded box.)
rates="${HPA_RATES:-40 20 10}"
seconds="${HPA_SECONDS:-60}"
figures=load-test/cpu-per-shopper.properties

./mvnw -B -q -pl load-test dependency:build-classpath -Dmdep.outputFile="$work/gatling.classpath" >/dev/null
start_trained_stack
echo
# In the cluster every pod starts with the agent and without a class cache: with BENCH_AGENT the
# launcher starts them that way too (one after the other, each with the machine to itself).
echo "== start-up: JVM start -> readiness UP"
declare -A start_s=() service_of=([8080]=gateway [8081]=order-service [8082]=inventory-service [8083]=inventory-service)
for port in 8082 8083 8081 8080; do
  s=$(awk -v r="${ready_ms[$port]}" -v t="${start_ms[$port]}" 'BEGIN {printf "%.1f", (r - t) / 1000}')
  printf "%-18s %5s s\n" "${names[$port]}" "$s"
  service=${service_of[$port]}  # the slower inventory instance counts
  if [ -z "${start_s[$service]:-}" ] || awk -v a="$s" -v b="${start_s[$service]}" 'BEGIN {exit !(a > b)}'; then
    start_s[$service]=$s
  fi
done
gateway=${pid[8080]} order=${pid[8081]} inventory="${pid[8082]} ${pid[8083]}"
# shellcheck disable=SC2086,SC2046 # lists of process ids
sample() { echo "$(cpu_ticks $gateway) $(cpu_ticks $order) $(cpu_ticks $inventory) $(cpu_ticks $(postgres_pids))"; }
services=(gateway order-service inventory-service postgresql)

echo "== idle: 30 s without traffic (15 s to settle first)"
sleep 15
read -r -a idle0 <<<"$(sample)"
sleep 30
read -r -a idle1 <<<"$(sample)"
declare -A idle_mcpu=()
for i in 0 1 2 3; do
  idle_mcpu[${services[$i]}]=$(awk -v a="${idle0[$i]}" -v b="${idle1[$i]}" -v hz="$clk_tck" 'BEGIN { printf "%.1f", (b - a) / hz / 30 * 1000 }')
  printf "%-18s %6s millicores\n" "${services[$i]}" "${idle_mcpu[${services[$i]}]}"
done

# Gatling at the given rate for the given seconds (after a 10 s ramp, with no spike: factor 1).
gatling() {
  "$java_cmd" -Xmx512m --add-opens=java.base/java.lang=ALL-UNNAMED -Drate="$1" -DrampSeconds=10 -DsteadySeconds="$2" \
    -DspikeFactor=1 -DspikeSeconds=1 -Dp99Millis=60000 \
    -DpasswordsDir="$project/.local-stack/secrets/auth-server" -cp "load-test/target/classes:$(cat "$work/gatling.classpath")" \
    io.gatling.app.Gatling --simulation io.shopstack.loadtest.ShopSimulation --results-folder "$work/gatling" >"$3" 2>&1 &
  helpers+=("$!")
  wait "$!" || true  # Gatling exits 2 when an assertion failed; the failed count says why
}

# The JIT compiles the request paths first, as in a pod that has served for a while. C2 compiles a
# method after some thousands of calls, so at 20 shoppers/s (about 70 requests/s) that takes
# minutes: after 90 s the C2 compiler still used a quarter of a core and the lower rates came out
# dearer per shopper than the higher ones (2026-12-01, with identity's longer request path).
echo
warm_rate=${rates%% *}  # the highest: saturating the box in the warm-up would slow what follows
warm_seconds="${HPA_WARMUP_SECONDS:-240}"
echo "== warm-up: $warm_seconds s at $warm_rate shoppers/s (not measured)"
gatling "$warm_rate" "$warm_seconds" "$work/gatling-warm-up.log"

# One Gatling run per rate: a 10 s ramp, the rate held, and no spike (spike factor 1). The CPU of
# the whole run, less the idle CPU over the same time, divided by the shoppers that arrived.
echo
echo "== CPU per shopper (us) at constant rates, ${seconds} s each (+ 10 s ramp, 5 s settle)"
printf "%-10s %8s %10s %14s %18s %12s %10s\n" rate shoppers gateway order-service inventory-service postgresql failed
declare -A per_shopper=()
for rate in $rates; do
  read -r -a before <<<"$(sample)"
  t0=$(now_ms)
  gatling "$rate" "$seconds" "$work/gatling-$rate.log"
  t1=$(now_ms)
  read -r -a after <<<"$(sample)"
  # The last statistics block's line for the first request of every shopper.
  # Gatling's last statistics table: "> name | total | OK | KO" (numbers with thousands separators).
  shoppers=$(awk -F'|' '/^> list items/ { v = $2; gsub(/[^0-9]/, "", v); n = v } END { print n + 0 }' "$work/gatling-$rate.log")
  failed=$(awk -F'|' '/^> request count/ { v = $4; gsub(/[^0-9]/, "", v); n = v } END { print n + 0 }' "$work/gatling-$rate.log")
  [ "$shoppers" -gt 0 ] || { echo "no shoppers counted at rate $rate:"; tail -30 "$work/gatling-$rate.log"; exit 1; }
  line=$(printf "%-10s %8s" "$rate/s" "$shoppers")
  for i in 0 1 2 3; do
    s=${services[$i]}
    us=$(awk -v a="${before[$i]}" -v b="${after[$i]}" -v hz="$clk_tck" -v idle="${idle_mcpu[$s]}" -v ms="$((t1 - t0))" -v n="$shoppers" \
      'BEGIN { printf "%.0f", ((b - a) / hz - idle / 1000 * ms / 1000) * 1e6 / n }')
    per_shopper[$s.$rate]=$us
    line+=$(printf " %*s" $(( ${#s} > 10 ? ${#s} : 10 )) "$us")
  done
  echo "$line $(printf "%10s" "$failed")"
  [ "$failed" -eq 0 ] || echo "  ($failed requests failed at $rate/s: the figures of that rate include errors)"
done

{
  echo "# CPU per shopper of the load test's traffic mix (ShopSimulation), measured by bench/hpa.sh."
  echo "# Read by k8s-tests' AutoscalingTest. Written $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores,"
  echo "# $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $("$java_cmd" -version 2>&1 | head -1)."
  echo "measured=$(date -u '+%Y-%m-%d')"
  echo "machine=$(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "agent=${BENCH_AGENT:-none}"
  echo "rates=${rates// /,}"
  echo "startCores=$(nproc)"
  echo "# inventory-service ran as two instances (the launcher's), the others as one"
  echo "gateway.instances=1"
  echo "order-service.instances=1"
  echo "inventory-service.instances=2"
  echo "postgresql.instances=1"
  for s in "${services[@]}"; do
    echo "$s.idleMillicores=${idle_mcpu[$s]}"
    [ -z "${start_s[$s]:-}" ] || echo "$s.startSeconds=${start_s[$s]}"
    for rate in $rates; do echo "$s.perShopperMicros.$rate=${per_shopper[$s.$rate]}"; done
  done
} >"$work/figures.properties"
echo
echo "measured figures: $work/figures.properties (the recorded ones: $figures; copy them over,"
echo "with a comment on the agent and on any rate left out, to record them)"
echo "timeline of the recorded figures: ./mvnw -pl k8s-tests test -Dtest=AutoscalingTest (prints it)"
