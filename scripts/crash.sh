#!/usr/bin/env bash
# Long crash run: N kill -9 cycles (default 100) of the crash test in release
# mode; prints how many writes were acknowledged and that none was lost.
# Usage: scripts/crash.sh [CYCLES]
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-100}"
ATTACHE_CRASH_CYCLES="$cycles" cargo test --release --test crash -- --nocapture 2>&1 | tee target/crash-run.txt | grep -E "cycles|test result|panicked|lost"
