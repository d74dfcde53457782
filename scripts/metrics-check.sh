#!/usr/bin/env bash
# /metrics read by Prometheus' own Python text parser: starts a real
# Attaché server (temporary store, port 0, a token, and --metrics-listen on
# another port 0), scrapes /metrics with the token, sends a named query, a
# query that fails validation and a write, scrapes again, scrapes the private
# listener without a token, and runs ci-tools/metrics/check.py on the three,
# which parses them with prometheus_client (pinned in
# ci-tools/metrics/requirements.txt, installed into target/metrics-venv) and
# checks that the values moved. Bounded: the whole check has 300 s.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/lib/server.sh

VENV="$ROOT/target/metrics-venv"
REQ="$ROOT/ci-tools/metrics/requirements.txt"
if [[ ! -x "$VENV/bin/python" ]] || ! cmp -s "$REQ" "$VENV/.requirements.txt"; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ"
    cp "$REQ" "$VENV/.requirements.txt"
fi

build_server
TOKEN=metrics-token
ATTACHE_TOKENS=$TOKEN start_server --metrics-listen 127.0.0.1:0
PRIVATE="$(sed -n 's|.* and http://\([^/]*\)/metrics (no token).*|\1|p' "$SERVER_LOG" | head -n1)"
[[ -n "$PRIVATE" ]] || { echo "the start-up line names no private metrics address:" >&2; cat "$SERVER_LOG" >&2; exit 1; }

OUT="$ROOT/target/metrics-check"
rm -rf "$OUT"; mkdir -p "$OUT"
scrape() { curl -fsS --max-time 30 -H "Authorization: Bearer $TOKEN" "$ATTACHE_URL/metrics" -o "$1"; }
gql() {
    curl -sS --max-time 30 -H 'content-type: application/json' -H "Authorization: Bearer $TOKEN" \
        "$ATTACHE_URL/graphql" -d "$1" >>"$OUT/answers.jsonl"
    echo >>"$OUT/answers.jsonl"
}

status=0
scrape "$OUT/before.txt"
gql '{"query":"query MetricsCheck { counts { nodes } }"}'
gql '{"query":"{ noSuchField }"}'
gql '{"query":"mutation($i: PersonInput!) { createPerson(input: $i) { id } }","variables":{"i":{"id":"person:metrics-check","name":"Metrics Check","citations":[{"source":"source:background"}]}}}'
scrape "$OUT/after.txt"
curl -fsS --max-time 30 "http://$PRIVATE/metrics" -o "$OUT/private.txt"
timeout 300 "$VENV/bin/python" ci-tools/metrics/check.py "$OUT/before.txt" "$OUT/after.txt" "$OUT/private.txt" || status=$?
server_healthy || status=1
stop_server || { echo "the server did not shut down cleanly" >&2; status=1; }
exit "$status"
