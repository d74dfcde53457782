#!/usr/bin/env bash
# Runs the benchmarks (release profile, as `cargo bench` builds) and keeps each
# one's output in target/bench-<name>.txt, headed by the date, commit, nproc,
# rustc and load average. Usage: scripts/bench.sh [foundation|analysis|soak ...]
# (default: foundation analysis; the soak has its own script, scripts/soak.sh).
#
# Knobs for foundation, through the environment: BENCH_REQUESTS (timed
# requests per query, default 2000), BENCH_FILE_RECORDS (records per import
# file; 0 = the whole graph in one file).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(foundation analysis)
for b in "${benches[@]}"; do
    out="target/bench-$b.txt"
    {
        echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo '+dirty')  nproc=$(nproc)  $(rustc --version)"
        echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
    } | tee "$out"
    cargo bench --bench "$b" 2>&1 | grep -v '^\s*Compiling\|^\s*Finished\|^\s*Running' | tee -a "$out"
done
