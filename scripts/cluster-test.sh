#!/usr/bin/env bash
# Cluster mode's proof (issue 13): three NATS servers (JetStream, R3) and
# three Attaché nodes on loopback ports, load on every node while the
# stream leader's NATS server and an Attaché node are killed with SIGKILL
# and restarted and a fourth node starts from a snapshot (tests/cluster.rs).
# Installs nats-server from Debian if it is missing; bounded by a timeout.
# The figures it prints are kept in target/cluster-test.txt.
# CLUSTER_TEST_RELEASE=1 runs it on a release build (the figures worth
# quoting; CI stays on the debug build, which it has already).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

if ! command -v nats-server >/dev/null 2>&1 && [[ ! -x /usr/sbin/nats-server ]]; then
    echo "installing nats-server (Debian package)"
    if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nats-server >/dev/null
fi
# Debian's package enables a system service; the test starts its own servers.
systemctl stop nats-server 2>/dev/null || true

PROFILE=()
if [[ "${CLUSTER_TEST_RELEASE:-0}" == 1 ]]; then PROFILE=(--release); fi
mkdir -p target
# Build first (not under the test's time bound), then run bounded.
cargo test --locked "${PROFILE[@]}" --test cluster --no-run
timeout "${CLUSTER_TEST_TIMEOUT:-600}" \
    cargo test --locked "${PROFILE[@]}" --test cluster -- --ignored --test-threads 1 --nocapture 2>&1 \
    | tee target/cluster-test.txt
exit "${PIPESTATUS[0]}"
