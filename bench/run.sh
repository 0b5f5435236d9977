#!/bin/sh
# One command for the benchmarks: installs what is missing, measures, reports.
# Any flag goes to `python -m bench` (try --quick, or --help).
set -eu
cd "$(dirname "$0")/.."
exec python3 -m bench "$@"
