#!/usr/bin/env bash
# Browser tests of the explorer (/) and GraphiQL (/playground), end to end:
# the real server, the committed bundle, headless Chromium. The one script CI calls.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

step() { printf '\n==> %s\n' "$*"; }

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  step "installing chromium (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q chromium
fi
"${CHROMIUM:-/usr/bin/chromium}" --version || true

step "npm ci (playground)"
cd "$ROOT/playground"
npm ci --no-audit --no-fund

step "checking that the committed bundle matches the sources"
npm run build --silent
cd "$ROOT"
if [ -z "$(git ls-files -- playground/dist)" ]; then
  echo "WARNING: playground/dist is not committed yet; nothing to compare the build with." >&2
elif ! git diff --exit-code --stat -- playground/dist \
  || [ -n "$(git ls-files --others --exclude-standard -- playground/dist)" ]; then
  git status --short -- playground/dist | head -40
  echo >&2
  echo "ERROR: the committed playground/dist does not match its sources" >&2
  echo "       (playground/src, build.mjs, package-lock.json)." >&2
  echo "       Run 'cd playground && npm ci && npm run build' and commit playground/dist." >&2
  exit 1
else
  echo "playground/dist matches the sources."
fi

step "cargo build --release"
cargo build --release

step "npm test (playground)"
# Every test saves a screenshot per feature here, kept by CI as artefacts.
export ATTACHE_SCREENSHOTS="$ROOT/target/ci-artifacts/screenshots"
rm -rf "$ATTACHE_SCREENSHOTS"
mkdir -p "$ATTACHE_SCREENSHOTS"
cd "$ROOT/playground"
npm test
echo "screenshots: $(ls "$ATTACHE_SCREENSHOTS" | wc -l) PNG files in $ATTACHE_SCREENSHOTS"
