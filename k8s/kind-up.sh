#!/usr/bin/env bash
# One command from a clone to the whole shop on a local kind cluster: creates the cluster (gateway
# on http://127.0.0.1:8080 through a node port mapping), installs metrics-server for the
# autoscalers, builds the images with Jib into the local Docker engine, loads them into the
# cluster, applies k8s/overlays/laptop and waits until every workload is rolled out. Safe to run
# again: an existing cluster is reused and apply only changes what changed.
#   k8s/kind-up.sh                          needs docker, kind (v0.30.0 or newer), kubectl, JDK 21+
#   SHOP_WITH_LOAD_TEST=1 k8s/kind-up.sh    also the load-test image and k8s/components/load-test
#   KIND_CLUSTER_NAME=demo k8s/kind-up.sh   another cluster name (default shop)
#   SHOP_GATEWAY_PORT=9080 k8s/kind-up.sh   another host port for the gateway (new clusters only)
# Run by users, not by CI: CI has no Docker. The build checks it with shellcheck (ScriptsTest).
# Tear down with k8s/kind-down.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

cluster="${KIND_CLUSTER_NAME:-shop}"
gateway_port="${SHOP_GATEWAY_PORT:-8080}"
with_load_test="${SHOP_WITH_LOAD_TEST:-0}"
# Kubernetes 1.33 as released with kind v0.30.0 (its release notes); kind pins node images by
# digest because a tag alone may be rebuilt, and older kind releases may not run this image.
node_image="kindest/node:v1.33.4@sha256:25a6018e48dfcaee478f4a59af81157a437f15e6e140bf103f85a2e7cd0cbbf2"
# v0.8.0 is the pinned metrics-server release: "latest" would change under an unchanged script.
metrics_server="https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.8.0/components.yaml"

missing=()
for tool in docker kind kubectl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "k8s/kind-up.sh needs ${missing[*]} on the PATH (docker, kind v0.30.0+, kubectl)." >&2
  exit 1
fi
if ! docker info >/dev/null 2>&1; then
  echo "docker is installed but its engine does not answer (docker info failed): start Docker first." >&2
  exit 1
fi
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
version=$("$java_cmd" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
if [ -z "$version" ] || [ "${version%%.*}" -lt 21 ]; then
  echo "./mvnw needs JDK 21 or newer; '$java_cmd' is version ${version:-unknown}. Set JAVA_HOME." >&2
  exit 1
fi

# With the load test, apply the laptop overlay plus the component through a kustomization under
# target/ (ignored by git, and outside k8s/overlays, which k8s-tests renders one by one):
# kustomize only loads files below the kustomization's root, so the paths are relative.
if [ "$with_load_test" = 1 ]; then
  mkdir -p target/kind-up
  cat >target/kind-up/kustomization.yaml <<'EOF'
# Written by k8s/kind-up.sh (SHOP_WITH_LOAD_TEST=1): the laptop overlay plus the load test.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../k8s/overlays/laptop
components:
  - ../../k8s/components/load-test
EOF
  kustomization=target/kind-up
else
  kustomization=k8s/overlays/laptop
fi

# The node pulls the third-party images itself; a missing tag would only show up minutes later
# as ImagePullBackOff, so check them first. shop/ and shop-tools/ images are built below.
echo "== checking the images $kustomization uses"
rendered=$(kubectl kustomize "$kustomization")
mapfile -t images < <(printf '%s\n' "$rendered" | sed -n 's/^[[:space:]-]*image:[[:space:]]*//p' | tr -d "\"'" | sort -u)
local_images=()
for image in "${images[@]}"; do
  case "$image" in
    shop/* | shop-tools/*)
      local_images+=("$image")
      ;;
    *)
      if ! error=$(docker manifest inspect "$image" 2>&1 >/dev/null); then
        echo "The image $image cannot be pulled: docker manifest inspect $image says: $error" >&2
        echo "See k8s/README.md, section \"The agent image\": one line in the images: block of" >&2
        echo "k8s/base/kustomization.yaml points it at another tag or registry." >&2
        exit 1
      fi
      echo "   $image"
      ;;
  esac
done

# grep without -q: an early exit could SIGPIPE kind, and pipefail would call the cluster missing.
if kind get clusters 2>/dev/null | grep -x "$cluster" >/dev/null; then
  echo "== kind cluster $cluster exists, reusing it"
  kind export kubeconfig --name "$cluster"
else
  echo "== creating kind cluster $cluster (gateway on 127.0.0.1:$gateway_port)"
  config=$(mktemp)
  trap 'rm -f "$config"' EXIT
  # The laptop overlay exposes the gateway on node port 30080; mapping it to the host needs no
  # port-forward that dies with its terminal. Loopback only: the demo secrets are public.
  cat >"$config" <<EOF
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    image: $node_image
    extraPortMappings:
      - containerPort: 30080
        hostPort: $gateway_port
        listenAddress: "127.0.0.1"
        protocol: TCP
EOF
  kind create cluster --name "$cluster" --config "$config" --wait 5m
fi
# Every kubectl below names the context, so that nothing lands in another cluster whatever the
# current context becomes meanwhile.
kc=(kubectl --context "kind-$cluster")

# Docker Desktop reports a little less memory than it was given, hence the margin.
read -r cpus memory < <(docker info --format '{{.NCPU}} {{.MemTotal}}')
if [ "$cpus" -lt 4 ] || [ "$memory" -lt $((13 * 1024 * 1024 * 1024 - 512 * 1024 * 1024)) ]; then
  echo "warning: Docker has $cpus CPUs and $((memory / 1024 / 1024)) MiB; the laptop overlay needs" >&2
  echo "         4 CPUs and 13 GiB, so some pods may stay Pending (raise Docker's resources)." >&2
fi

echo "== metrics-server (for the HorizontalPodAutoscalers and kubectl top)"
"${kc[@]}" apply -f "$metrics_server"
# kind's kubelets serve self-signed certificates, which metrics-server rejects by default. The
# JSON patch appends, so it is only applied once.
args=$("${kc[@]}" -n kube-system get deployment metrics-server -o jsonpath='{.spec.template.spec.containers[0].args}')
if [[ "$args" != *--kubelet-insecure-tls* ]]; then
  "${kc[@]}" -n kube-system patch deployment metrics-server --type=json \
    -p '[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--kubelet-insecure-tls"}]'
fi
"${kc[@]}" -n kube-system rollout status deployment/metrics-server --timeout=5m

echo "== building the images (Jib, for the Docker engine's architecture)"
modules=auth-server,gateway,order-service,inventory-service,batch-jobs
[ "$with_load_test" != 1 ] || modules="$modules,load-test"
# The formatting check is skipped as in run-local.sh: a local edit should not block a deploy.
./mvnw -B -DskipTests -Dspotless.check.skip=true package jib:dockerBuild -pl "$modules" -am

# Loads exactly the shop images the manifests ask for, so a tag in k8s/base/kustomization.yaml
# that differs from the pom's version fails here rather than as ErrImageNeverPull in the cluster.
project_version=$(./mvnw -B -q -N help:evaluate -DforceStdout -Dexpression=project.version)
echo "== loading the images into kind cluster $cluster"
for image in "${local_images[@]}"; do
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    echo "The manifests use $image, which is not in the local Docker engine; the build made version" >&2
    echo "$project_version (the tags are set in the images: block of k8s/base/kustomization.yaml)." >&2
    exit 1
  fi
  kind load docker-image "$image" --name "$cluster"
done

echo "== applying $kustomization"
"${kc[@]}" apply -k "$kustomization"

echo "== waiting for the rollouts (the first start pulls SkyWalking and PostgreSQL: minutes)"
"${kc[@]}" -n shop rollout status statefulset/postgres --timeout=10m
for deployment in $("${kc[@]}" -n shop get deployments -o name); do
  "${kc[@]}" -n shop rollout status "$deployment" --timeout=10m
done

# The port a reused cluster was created with, which may not be SHOP_GATEWAY_PORT.
address=$(docker port "$cluster-control-plane" 30080/tcp 2>/dev/null | head -n 1 || true)
gateway="http://${address:-127.0.0.1:$gateway_port}"
if [ -z "$address" ]; then
  echo "warning: cluster $cluster maps no host port to node port 30080 (not created by this script);" >&2
  echo "         use: kubectl -n shop port-forward service/gateway $gateway_port:8080" >&2
fi

cat <<EOF

The shop runs on kind cluster $cluster (kubectl context kind-$cluster).

  kubectl -n shop port-forward service/auth-server 9000:9000 &   auth-server on 127.0.0.1:9000
  token=\$(./shop-token.sh alice)                     a demo customer's access token (k8s/README.md, "Identity")
  curl -H "Authorization: Bearer \$token" $gateway/api/inventory/items
  curl -i -X POST $gateway/api/orders -H "Authorization: Bearer \$token" -H 'Content-Type: application/json' \\
       -H "Idempotency-Key: \$(uuidgen 2>/dev/null || cat /proc/sys/kernel/random/uuid)" -d '{"lines":[{"sku":"SKU-RED-MUG","quantity":1}]}'

  kubectl -n shop get hpa -w                          the autoscalers
  kubectl -n shop top pods                            CPU and memory (metrics-server)
  kubectl -n shop create job --from=cronjob/batch-jobs reconcile-\$(date +%s)   a batch run now
  kubectl -n shop port-forward service/skywalking-ui 8088:8080    then http://127.0.0.1:8088
EOF
if [ "$with_load_test" = 1 ]; then
  cat <<EOF
  kubectl -n shop create job --from=cronjob/load-test load-test-\$(date +%s)   a load test run
EOF
else
  echo "  (SHOP_WITH_LOAD_TEST=1 k8s/kind-up.sh adds the in-cluster load test)"
fi
cat <<EOF

Tear down: k8s/kind-down.sh
EOF
