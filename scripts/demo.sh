#!/usr/bin/env bash
# One command on a fresh clone: set up, then run the offline demo (bundled captures, embedded SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/ratecard demo "$@"
