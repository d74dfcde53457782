#!/usr/bin/env bash
# Checks every export format with the format's own reference library
# (issue 15; graph-schema/formats.md). Installs scripts/formats/requirements.txt
# (pinned) into a venv, exports the seed data and a generated graph
# (benches/synth, via `cargo run --example synth`) in every format, then runs
# every scripts/formats/check_*.py on each export directory.
#
# Each export directory holds attache.json (the reference, attache/1) and one
# export per format: ftm.jsonl, popolo.json, graphml.graphml, gexf.gexf,
# jsonld.jsonld and csv/ (a directory). A check script is called as
# `check_NAME.py DIR`, prints what it compared and exits non-zero on any
# difference.
#
# Knobs: FORMATS_SCALE (synthetic graph scale, default 0.05: ~450 nodes,
# ~3,800 relations), FORMATS_TIMEOUT (seconds for the exports and checks,
# not the install and build; default 900), SKIP_BUILD=1 (use ATTACHE_BIN as
# is). Output goes to target/formats-check/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/ci-tools/.venv-formats"
REQ="$ROOT/scripts/formats/requirements.txt"
if [[ ! -x "$VENV/bin/python" ]] || ! cmp -s "$REQ" "$VENV/.requirements.txt"; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ"
    cp "$REQ" "$VENV/.requirements.txt"
fi

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
ATTACHE_BIN="${ATTACHE_BIN:-$TARGET/release/attache}"
SYNTH_BIN="$TARGET/release/examples/synth"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    cargo build --release --quiet --bin attache --example synth
fi

# The installs and the build above are not under the time bound (a cold
# release build on a loaded 2-core machine can take longer than the checks'
# whole budget); the exports and checks below are.
if [[ -z "${FORMATS_BOUNDED:-}" ]]; then
    export FORMATS_BOUNDED=1 SKIP_BUILD=1
    exec timeout --kill-after=30 "${FORMATS_TIMEOUT:-900}" "$0" "$@"
fi

OUT="$ROOT/target/formats-check"
rm -rf "$OUT"; mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# name:file for each format (csv is a directory).
FORMATS=(attache:attache.json ftm:ftm.jsonl popolo:popolo.json graphml:graphml.graphml
         gexf:gexf.gexf jsonld:jsonld.jsonld csv:csv)

export_all() { # store dir
    local store=$1 dir=$2 f name file
    mkdir -p "$dir"
    for f in "${FORMATS[@]}"; do
        name=${f%%:*}; file=${f#*:}
        # A format whose converter has not landed yet is reported, not
        # fatal; any other failure is.
        if ! "$ATTACHE_BIN" --data "$store" export --format "$name" --out "$dir/$file" 2>"$TMP/err"; then
            if grep -q "is not available yet" "$TMP/err"; then
                echo "SKIPPED $name: $(tail -1 "$TMP/err")"
                continue
            fi
            cat "$TMP/err" >&2
            return 1
        fi
    done
}

echo "== seed data"
"$ATTACHE_BIN" --data "$TMP/seed" import --no-seed seed-data/*.json >/dev/null
export_all "$TMP/seed" "$OUT/seed"

echo "== generated graph (scale ${FORMATS_SCALE:-0.05})"
"$SYNTH_BIN" "${FORMATS_SCALE:-0.05}" "$TMP/synth.json"
"$ATTACHE_BIN" --data "$TMP/synth" import --no-seed "$TMP/synth.json" >/dev/null
export_all "$TMP/synth" "$OUT/synth"

status=0
for check in scripts/formats/check_*.py; do
    for dir in "$OUT/seed" "$OUT/synth"; do
        echo "+ $(basename "$check") $(basename "$dir")"
        "$VENV/bin/python" "$check" "$dir" || status=1
    done
done
exit "$status"
