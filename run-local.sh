#!/usr/bin/env bash
# Builds the services and starts the whole shop on 127.0.0.1: embedded PostgreSQL, two
# inventory-service instances, order-service, the gateway on :8080, and the batch job every minute.
# No Docker, no cluster. Ctrl-C stops every process it started.
#   SHOP_GATEWAY_PORT=9080 ./run-local.sh            another gateway port
#   SKYWALKING_AGENT_DIR=/path/to/agent ./run-local.sh   attach a SkyWalking agent to every JVM
set -euo pipefail
cd "$(dirname "$0")"

java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
version=$("$java_cmd" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
if [ -z "$version" ] || [ "${version%%.*}" -lt 21 ]; then
  echo "The shop needs JDK 21 or newer; '$java_cmd' is version ${version:-unknown}. Set JAVA_HOME." >&2
  exit 1
fi

./mvnw -B -q -DskipTests -Dspotless.check.skip=true package
exec "$java_cmd" -jar local-stack/target/local-stack.jar
