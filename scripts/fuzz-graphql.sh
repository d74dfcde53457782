#!/usr/bin/env bash
# Property-based fuzzing of the GraphQL API with schemathesis against a real
# Attaché server started here on a temporary store, port 0, with a bearer
# token so mutations run too. Installs schemathesis (pinned in
# ci-tools/fuzz/requirements.txt) into ci-tools/.venv if needed.
#
# Fails if any response is a server fault (see ci-tools/fuzz/hooks.py: 5xx,
# non-JSON body, INTERNAL or uncoded resolver errors, nulls for non-null
# fields), if schemathesis reports errors, or if after the run the server is
# dead, /health does not answer, it does not stop cleanly on SIGTERM, or
# `attache check` finds the store inconsistent.
#
# Knobs: FUZZ_MAX_EXAMPLES (per operation, default 100), FUZZ_SEED (default
# 20240923; "random" for none), FUZZ_WORKERS (default 2), FUZZ_PHASES
# (default fuzzing), FUZZ_STRICT=1 (also fail on uncoded argument-coercion
# errors raised while resolving). Reports go to target/fuzz-graphql/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/lib/server.sh

VENV="$ROOT/ci-tools/.venv"
REQ="$ROOT/ci-tools/fuzz/requirements.txt"
if [[ ! -x "$VENV/bin/schemathesis" ]] || ! cmp -s "$REQ" "$VENV/.requirements.txt"; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ"
    cp "$REQ" "$VENV/.requirements.txt"
fi

build_server
TOKEN=fuzz-token
ATTACHE_TOKENS=$TOKEN start_server

OUT="$ROOT/target/fuzz-graphql"
rm -rf "$OUT"; mkdir -p "$OUT"
SEED="${FUZZ_SEED:-20240923}"
seed_args=(); [[ "$SEED" != random ]] && seed_args=(--seed "$SEED")
cmd=("$VENV/bin/schemathesis" run "$ATTACHE_URL/graphql"
    --phases "${FUZZ_PHASES:-fuzzing}"
    --max-examples "${FUZZ_MAX_EXAMPLES:-100}"
    --workers "${FUZZ_WORKERS:-2}"
    "${seed_args[@]}"
    --checks attache_no_server_error
    --continue-on-failure
    --request-timeout 30
    --header "Authorization: Bearer $TOKEN"
    --suppress-health-check all
    --generation-database :memory:
    --report junit,ndjson --report-dir "$OUT"
    --no-color)
echo "+ ${cmd[*]}" | sed "s/Bearer $TOKEN/Bearer ***/"
status=0
start=$(date +%s)
# Run from $OUT so Hypothesis' example database and schemathesis' cache
# land there (fresh each run), not in the work tree.
(cd "$OUT" && SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$ROOT/ci-tools/fuzz" ATTACHE_FUZZ_STATS="$OUT/stats.json" \
    "${cmd[@]}" 2>&1) | tee "$OUT/schemathesis.txt" || status=${PIPESTATUS[0]}
elapsed=$(( $(date +%s) - start ))

alive=yes
server_healthy || { alive=no; status=1; }
stopped=yes
stop_server || { stopped=no; status=1; }
checked=yes
"$ATTACHE_BIN" --data "$SERVER_DATA" check || { checked=no; status=1; }

"$VENV/bin/python" - "$OUT/stats.json" "$elapsed" "$alive" "$stopped" "$checked" <<'PY'
import json, sys
path, elapsed, alive, stopped, checked = sys.argv[1:]
try:
    s = json.load(open(path))
except FileNotFoundError:
    print("fuzz-graphql: no statistics were written (schemathesis did not run the check)")
    sys.exit(0)
o = s.get("outcome", {})
print(f"fuzz-graphql: {s['responses']} responses from {len(s.get('operations', {}))} operations in {elapsed} s; "
      f"ok {o.get('ok', 0)}, rejected by design {o.get('rejected_by_design', 0)}, "
      f"server errors {o.get('server_error', 0)}; "
      f"answered with data and no error: {dict(s.get('ok_by_root', {}))}; "
      f"HTTP status {dict(sorted(s.get('status', {}).items()))}")
print(f"fuzz-graphql: GraphQL error codes {dict(sorted(s.get('error_codes', {}).items(), key=lambda kv: -kv[1]))}")
print(f"fuzz-graphql: server alive and healthy after the run: {alive}; clean SIGTERM stop: {stopped}; attache check: {'passed' if checked == 'yes' else 'FAILED'}")
n = s.get("coercion_at_resolve_count", 0)
print(f"fuzz-graphql: responses with an uncoded argument-coercion error raised while resolving (not validation): {n}" + (" (fatal under FUZZ_STRICT=1)" if n else ""))
seen = set()
for e in s.get("coercion_at_resolve", []):
    if e["operation"] in seen:
        continue
    seen.add(e["operation"])
    print(f"COERCION AT RESOLVE in {e['operation']}\n  request: {e['request'][:800]}\n  response: {e['response'][:400]}")
for e in s.get("server_errors", []):
    print(f"SERVER ERROR in {e['operation']}: {'; '.join(e['problems'])}\n  request: {e['request']}\n  response ({e['status']}): {e['response'][:600]}")
PY
exit "$status"
