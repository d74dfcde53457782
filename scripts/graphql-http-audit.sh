#!/usr/bin/env bash
# GraphQL-over-HTTP conformance: runs the `graphql-http` package's server
# audits (ci-tools/audit/audit.mjs) against a real Attaché server started
# here on a temporary store and port 0. Installs the npm tooling from the
# lock file (npm ci) if needed. Exits non-zero if any MUST audit fails.
#
# Output is also kept in target/graphql-http-audit.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/lib/server.sh

AUDIT_DIR="$ROOT/ci-tools/audit"
if [[ ! -d "$AUDIT_DIR/node_modules/graphql-http" ]] || [[ "$AUDIT_DIR/package-lock.json" -nt "$AUDIT_DIR/node_modules/.package-lock.json" ]]; then
    (cd "$AUDIT_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

build_server
# Mutations over GET must be refused (audit 9C48) whatever the token setup,
# so the default (read-only, no token) configuration is audited.
start_server
mkdir -p target
status=0
node "$AUDIT_DIR/audit.mjs" "$ATTACHE_URL/graphql" | tee target/graphql-http-audit.txt || status=${PIPESTATUS[0]}
server_healthy || status=1
stop_server || { echo "the server did not shut down cleanly" >&2; status=1; }
exit "$status"
