#!/usr/bin/env bash
# Deletes the kind cluster that k8s/kind-up.sh created, with everything in it (the images loaded
# into it too; the local Docker engine keeps its copies). Nothing to do if it is already gone.
#   k8s/kind-down.sh                         cluster "shop"
#   KIND_CLUSTER_NAME=demo k8s/kind-down.sh  another cluster name, as given to kind-up.sh
# Run by users, not by CI: CI has no Docker. The build checks it with shellcheck (ScriptsTest).
set -euo pipefail

cluster="${KIND_CLUSTER_NAME:-shop}"
if ! command -v kind >/dev/null 2>&1; then
  echo "k8s/kind-down.sh needs kind on the PATH." >&2
  exit 1
fi
# Checked first so that a second run says so instead of relying on how a kind version treats a
# missing cluster. grep without -q reads all of kind's output: an early exit could SIGPIPE kind,
# and pipefail would then report a cluster that exists as missing.
if kind get clusters 2>/dev/null | grep -x "$cluster" >/dev/null; then
  kind delete cluster --name "$cluster"
else
  echo "no kind cluster named $cluster; nothing to delete"
fi
