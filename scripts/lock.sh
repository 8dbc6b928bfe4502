#!/usr/bin/env bash
# Regenerate the hash-pinned locks from pyproject.toml (CPython 3.11, Linux x86_64, PyPI):
#   requirements/dev.txt      runtime + dev/test tools: what scripts/setup.sh installs
#   requirements/runtime.txt  runtime only, the same versions: what a server installs
# Run it after changing dependencies in pyproject.toml, then `bash scripts/setup.sh` re-syncs .venv.
# `--upgrade` (passed through) moves every pin to the newest release the ranges allow.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=.venv/bin/uv
if [ ! -x "$UV" ]; then
  echo "lock: $UV missing: run 'bash scripts/setup.sh' first (uv is pinned in the dev lock)" >&2
  exit 1
fi
common=(--generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu
  --index-url https://pypi.org/simple --no-config --quiet
  --custom-compile-command "bash scripts/lock.sh")
echo "lock: resolving requirements/dev.txt (runtime + dev)"
"$UV" pip compile "${common[@]}" "$@" pyproject.toml requirements/build.in --extra dev \
  -o requirements/dev.txt
echo "lock: resolving requirements/runtime.txt (runtime only, constrained to dev.txt's versions)"
"$UV" pip compile "${common[@]}" pyproject.toml requirements/build.in -c requirements/dev.txt \
  -o requirements/runtime.txt
echo "lock: $(grep -c '^[A-Za-z0-9]' requirements/dev.txt) packages in dev.txt," \
  "$(grep -c '^[A-Za-z0-9]' requirements/runtime.txt) in runtime.txt"
