# Shared helpers for the scripts that run a real Attaché server on a temporary
# store: source this file, then `start_server [extra serve args...]`.
#
# After start_server:
#   ATTACHE_URL   http://127.0.0.1:PORT (no trailing slash)
#   SERVER_PID    the server's process id
#   SERVER_DATA   the temporary store directory
#   SERVER_LOG    the server's stderr
# stop_server sends SIGTERM and waits (up to 30 s) for a graceful exit; it
# returns the server's exit status. The EXIT trap set here stops a server
# still running and removes the temporary directory (unless KEEP_TMP=1).
#
# Environment: ATTACHE_BIN (default target/release/attache, built with
# `cargo build --release` first unless SKIP_BUILD=1).

ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
ATTACHE_BIN="${ATTACHE_BIN:-$ROOT/target/release/attache}"
SERVER_PID=""
SERVER_TMP=""

build_server() {
    if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
        (cd "$ROOT" && cargo build --release --bin attache --quiet)
    fi
    [[ -x "$ATTACHE_BIN" ]] || { echo "no server binary at $ATTACHE_BIN" >&2; return 1; }
}

_server_cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ -n "$SERVER_TMP" && "${KEEP_TMP:-0}" != 1 ]]; then
        rm -rf "$SERVER_TMP"
    elif [[ -n "$SERVER_TMP" ]]; then
        echo "kept $SERVER_TMP" >&2
    fi
}
trap _server_cleanup EXIT

# start_server [args passed to `attache serve` after --listen 127.0.0.1:0]
start_server() {
    SERVER_TMP="$(mktemp -d "${TMPDIR:-/tmp}/attache-XXXXXX")"
    SERVER_DATA="$SERVER_TMP/store"
    SERVER_LOG="$SERVER_TMP/server.log"
    RUST_LOG="${RUST_LOG:-warn}" "$ATTACHE_BIN" --data "$SERVER_DATA" serve --listen 127.0.0.1:0 "$@" \
        >"$SERVER_TMP/server.out" 2>"$SERVER_LOG" &
    SERVER_PID=$!
    local addr=""
    for _ in $(seq 1 300); do
        addr="$(sed -n 's|.* at http://\([^/]*\)/graphql.*|\1|p' "$SERVER_LOG" | head -n1)"
        [[ -n "$addr" ]] && break
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "the server exited before listening:" >&2
            cat "$SERVER_LOG" >&2
            return 1
        fi
        sleep 0.1
    done
    if [[ -z "$addr" ]]; then
        echo "the server did not print its address within 30 s:" >&2
        cat "$SERVER_LOG" >&2
        return 1
    fi
    ATTACHE_URL="http://$addr"
    echo "server pid $SERVER_PID at $ATTACHE_URL (store $SERVER_DATA)" >&2
}

# server_healthy: the process is alive and /health answers {"status":"ok"}.
server_healthy() {
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server process $SERVER_PID is gone" >&2; return 1; }
    local body
    body="$(curl -fsS --max-time 10 "$ATTACHE_URL/health")" || { echo "/health did not answer" >&2; return 1; }
    [[ "$body" == *'"status":"ok"'* ]] || { echo "/health answered: $body" >&2; return 1; }
    echo "health: $body" >&2
}

# stop_server: graceful SIGTERM; returns the exit status (124 on timeout).
stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local status=0
    for _ in $(seq 1 300); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "the server did not stop within 30 s of SIGTERM" >&2
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
        return 124
    fi
    wait "$SERVER_PID" || status=$?
    SERVER_PID=""
    return "$status"
}
