#!/usr/bin/env bash
# Measures what JVM flags change for one service started alone (default: the gateway, which
# needs no database): time from JVM start to readiness UP and RSS 15 s later, for -Xss512k alone
# (the launcher's flags before it got a pod's memory envelope), a capped heap, C1 only, and the
# JDK's ahead-of-time cache (JDK 25+, trained once with spring.context.exit=onRefresh on the
# extracted jar). About 3 minutes.
#   bench/jvm-flags.sh [module]       (the stack must not be running: ports 18080/19080)
set -euo pipefail
cd "$(dirname "$0")/.."
module="${1:-gateway}"
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
work=$(mktemp -d /tmp/shop-jvm-flags.XXXXXX)
app=""
cleanup() { [ -z "$app" ] || kill -TERM "$app" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# The AOT cache needs a plain class path (not the nested jars of the executable jar).
"$java_cmd" -Djarmode=tools -jar "$module/target/$module.jar" extract --destination "$work/app" >/dev/null
args=(--server.address=127.0.0.1 --server.port=18080
  --management.server.address=127.0.0.1 --management.server.port=19080)
"$java_cmd" -XX:AOTCacheOutput="$work/app.aot" -Dspring.context.exit=onRefresh \
  -jar "$work/app/$module.jar" "${args[@]}" >"$work/training.log" 2>&1 || true

measure() {
  local label=$1; shift
  local start now rss
  start=$(date +%s%3N)
  "$java_cmd" "$@" -jar "$work/app/$module.jar" "${args[@]}" >"$work/run.log" 2>&1 &
  app=$!
  until curl -fsS -m 1 http://127.0.0.1:19080/actuator/health/readiness 2>/dev/null | grep -q '"UP"'; do
    kill -0 "$app" 2>/dev/null || { echo "$label: the JVM died"; tail -5 "$work/run.log"; return; }
    sleep 0.1
  done
  now=$(date +%s%3N)
  sleep 15
  rss=$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$app/status")
  printf "%-44s ready %5.1f s   RSS idle %4s MiB\n" "$label" "$(awk -v d=$((now - start)) 'BEGIN {print d / 1000}')" "$rss"
  kill -TERM "$app"; wait "$app" 2>/dev/null || true; app=""
}

echo "$module alone, $(nproc) cores, $("$java_cmd" -version 2>&1 | head -1)"
measure "-Xss512k" -Xss512k
measure "-Xss512k -Xmx128m" -Xss512k -Xmx128m
measure "-Xss512k -Xmx128m -XX:+UseSerialGC" -Xss512k -Xmx128m -XX:+UseSerialGC
measure "-Xss512k -XX:TieredStopAtLevel=1" -Xss512k -XX:TieredStopAtLevel=1
measure "-Xss512k -XX:AOTCache" -Xss512k -XX:AOTCache="$work/app.aot"
measure "-Xss512k -Xmx128m -XX:+UseSerialGC -XX:AOTCache" -Xss512k -Xmx128m -XX:+UseSerialGC -XX:AOTCache="$work/app.aot"
rm -rf "$work"
