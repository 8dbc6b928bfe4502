#!/usr/bin/env bash
# Set up a development environment: .venv holding exactly the packages pinned (with sha256 hashes) in
# requirements/dev.txt, then ratecard itself, editable, without dependencies.
#
# Idempotent and quick when nothing changed: the venv keeps a stamp of the lock's (and pyproject's)
# sha256; when it matches, nothing is installed. When the lock changed, the venv is re-synced to it:
# locked versions installed (hash-checked), packages the lock no longer lists removed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
LOCK=requirements/dev.txt
STAMP=.venv/.ratecard-lock.sha256
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

say() { printf 'setup: %s\n' "$*"; }

# Runs "$@" and, while it works, prints a line every 30 s, so a slow step is never silent.
with_heartbeat() {
  local started=$SECONDS pid rc=0
  "$@" &
  pid=$!
  while ! wait_for "$pid" 30; do
    say "... still working ($((SECONDS - started)) s): $*"
  done
  wait "$pid" || rc=$?
  return "$rc"
}

# True once process $1 has ended; false if it is still running after $2 seconds.
wait_for() {
  local i
  for ((i = 0; i < $2; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 1
  done
  ! kill -0 "$1" 2>/dev/null
}

# pip, minus the noise of this machine's local wheel folders ("Location ... is ignored").
pip_() {
  .venv/bin/python -m pip "$@" 2>&1 | { grep -v -e "^WARNING: Location '" || true; }
}

"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ratecard needs Python 3.11+")'

if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $("$PY" --version)"
  "$PY" -m venv .venv
fi

want="$(cat "$LOCK" pyproject.toml | sha256sum | cut -c1-64)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x .venv/bin/ratecard ]; then
  say "up to date: .venv matches $LOCK (sha256 ${want:0:12})"
  exit 0
fi
rm -f "$STAMP"

count="$(grep -c '^[A-Za-z0-9]' "$LOCK")"
say "installing $count locked packages from $LOCK (hash-checked; pip's progress follows)"
# Every package, dependencies included, must be in the lock with a matching sha256, or pip stops.
# The machine-wide pip constraint file (if any) is not ours: the lock alone decides.
# --no-compile: bytecode is written on first import instead (much faster set-up on 2 cores).
PIP_CONSTRAINT="" with_heartbeat pip_ install --require-hashes --only-binary=:all: --no-compile -r "$LOCK"

say "removing packages the lock no longer lists"
extra="$(.venv/bin/python - "$LOCK" <<'EOF'
import re
import sys
from importlib.metadata import distributions

norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()  # noqa: E731
locked = {norm(m.group(1)) for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", open(sys.argv[1]).read(), re.M)}
keep = locked | {"pip", "ratecard"}
print(" ".join(sorted({norm(d.metadata["Name"]) for d in distributions()} - keep)))
EOF
)"
if [ -n "$extra" ]; then
  say "uninstalling: $extra"
  # shellcheck disable=SC2086
  pip_ uninstall -y $extra
fi

say "installing ratecard (editable, --no-deps: its dependencies are the locked ones above)"
pip_ install --quiet --no-deps --no-build-isolation -e .

say "checking the environment (pip check, imports)"
pip_ check
.venv/bin/python -c "import ratecard, scrapy, sqlmodel" >/dev/null
echo "$want" >"$STAMP"
say "done: $(.venv/bin/python -m pip list --format=freeze 2>/dev/null | wc -l) packages in .venv"
