#!/usr/bin/env bash
# Run every benchmark in order and keep what they print in benchmarks/results.txt.
# Usage, from anywhere: benchmarks/run_all.sh   (a few minutes on 2 cores; loopback only)
set -u -o pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
RESULTS=benchmarks/results.txt
scripts=(
    benchmarks/key_storage_bench.py
    benchmarks/app_latency.py
    benchmarks/search_scale.py
    benchmarks/startup.py
    benchmarks/leak_watch_bench.py
)
{
    failed=0
    echo "# benchmarks/run_all.sh — $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc)," \
        "load average $(cut -d' ' -f1-3 /proc/loadavg)"
    for script in "${scripts[@]}"; do
        echo
        echo "## $PYTHON $script"
        started=$(date +%s)
        if ! "$PYTHON" "$script"; then
            echo "!! $script failed"
            failed=1
        fi
        echo "(took $(($(date +%s) - started)) s)"
    done
    exit "$failed"
} 2>&1 | tee "$RESULTS"
# pipefail: the status is the block's (1 when a script failed) unless tee itself failed.
