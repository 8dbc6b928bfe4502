#!/usr/bin/env bash
# One command on a fresh clone: set up, then lint, type-check and run the whole test suite
# (SQLite and a throwaway PostgreSQL cluster the tests start themselves).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy (strict)"
.venv/bin/mypy
echo "== pytest"
exec .venv/bin/python -m pytest -n "${RATECARD_TEST_WORKERS:-2}" "$@"
