#!/usr/bin/env bash
# Soak test: scripts/soak.sh [SECONDS] [CLIENTS]   (defaults: 120 s, 32 clients)
#
# Builds the release server and runs benches/soak.rs (`cargo bench --bench
# soak`), which starts the server on a temporary store (loopback, port 0,
# bearer token), drives CLIENTS concurrent clients with a mix of ~80% reads
# and ~20% writes for SECONDS, prints throughput, latency percentiles and
# errors, checks /health, stops the server with SIGTERM and runs `attache
# check` on the store. Exits non-zero on any failed request or check.
# Output is also kept in target/soak.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_ARG="${1:-120}"
CLIENTS_ARG="${2:-32}"
[[ "$SECONDS_ARG" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "usage: $0 [SECONDS] [CLIENTS]" >&2; exit 2; }
[[ "$CLIENTS_ARG" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS] [CLIENTS]" >&2; exit 2; }
cargo build --release --bin attache --quiet
cargo bench --bench soak --no-run --quiet
mkdir -p target
{
    echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo '+dirty')  nproc=$(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
} | tee target/soak.txt
set +e
cargo bench --bench soak --quiet -- --seconds "$SECONDS_ARG" --clients "$CLIENTS_ARG" 2>&1 | tee -a target/soak.txt
status=${PIPESTATUS[0]}
exit "$status"
