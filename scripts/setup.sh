#!/usr/bin/env bash
# Set up a development environment: .venv with ratecard (editable) and its dev tools, pinned.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ratecard needs Python 3.11+")'
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# Quiet and idempotent: a second run only checks that the pins are satisfied.
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]" 2>&1 \
  | grep -v -e "^WARNING: Location" -e "is ignored: it is neither" || true
.venv/bin/python -c "import ratecard, scrapy, sqlmodel" >/dev/null
