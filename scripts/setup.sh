#!/usr/bin/env bash
# Set up a development environment: .venv holding exactly the packages pinned (with sha256 hashes) in
# requirements/dev.txt, then ratecard itself, editable, without dependencies.
#
# Idempotent and quick when nothing changed: .venv keeps a stamp of the lock's sha256 (and of the
# parts of pyproject.toml that shape ratecard's own install); when both match, nothing is installed.
# When the lock changed, .venv is re-synced to it: locked versions installed (hash-checked), packages
# the lock no longer lists removed. Regenerate the lock with `bash scripts/lock.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
LOCK=requirements/dev.txt
STAMP=.venv/.ratecard-lock.sha256
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

say() { printf 'setup: %s\n' "$*"; }

# True once process $1 has ended; false if it is still running after $2 seconds.
wait_for() {
  local i
  for ((i = 0; i < $2; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 1
  done
  ! kill -0 "$1" 2>/dev/null
}

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

# pip, minus the noise of this machine's local wheel folders ("Location ... is ignored").
pip_() {
  .venv/bin/python -m pip "$@" 2>&1 | { grep --line-buffered -v -e "^WARNING: Location '" || true; }
}

"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ratecard needs Python 3.11+")'

if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $("$PY" --version)"
  "$PY" -m venv .venv
fi

lock_sum="$(sha256sum "$LOCK" | cut -c1-64)"
# Lint, type-check and test settings in pyproject.toml do not touch the install: only these tables do.
project_sum="$(.venv/bin/python -c '
import hashlib, json, tomllib
d = tomllib.load(open("pyproject.toml", "rb"))
keep = [d["project"], d["build-system"], d.get("tool", {}).get("setuptools")]
print(hashlib.sha256(json.dumps(keep, sort_keys=True).encode()).hexdigest())')"
have_lock="$(sed -n 1p "$STAMP" 2>/dev/null || true)"
have_project="$(sed -n 2p "$STAMP" 2>/dev/null || true)"
if [ "$have_lock" = "$lock_sum" ] && [ "$have_project" = "$project_sum" ] && [ -x .venv/bin/ratecard ]; then
  say "up to date: .venv matches $LOCK (sha256 ${lock_sum:0:12})"
  exit 0
fi
rm -f "$STAMP"

if [ "$have_lock" != "$lock_sum" ]; then
  count="$(grep -c '^[A-Za-z0-9]' "$LOCK")"
  say "installing $count locked packages from $LOCK (hash-checked; pip's progress follows)"
  # Every package, dependencies included, must be in the lock with a matching sha256, or pip stops.
  # Wheels only: building an sdist would run code and fetch build tools nobody locked.
  # The machine-wide pip constraint file (if any) is not ours: the lock alone decides.
  # --no-compile: bytecode is written on first import instead (a much faster set-up on 2 cores).
  # Progress bars on a terminal; in a log (CI), one line per package instead of bar redraws.
  bars=on
  [ -t 1 ] || bars=off
  PIP_CONSTRAINT="" with_heartbeat pip_ install --require-hashes --only-binary=:all: --no-compile \
    --progress-bar "$bars" -r "$LOCK"

  say "removing packages the lock does not list"
  extra="$(.venv/bin/python - "$LOCK" <<'EOF'
import re
import sys
from importlib.metadata import distributions

norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()  # noqa: E731
text = open(sys.argv[1]).read()
locked = {norm(m.group(1)) for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", text, re.M)}
installed = {norm(d.metadata["Name"]) for d in distributions()}
print(" ".join(sorted(installed - locked - {"pip", "ratecard"})))
EOF
)"
  if [ -n "$extra" ]; then
    say "uninstalling: $extra"
    # shellcheck disable=SC2086
    pip_ uninstall -y $extra
  fi
fi

say "installing ratecard (editable, --no-deps: its dependencies are the locked ones above)"
# --no-build-isolation: built with the locked setuptools already in .venv, nothing fetched.
pip_ install --quiet --no-deps --no-build-isolation -e .

say "checking the environment (pip check, imports)"
pip_ check
.venv/bin/python -c "import ratecard, scrapy, sqlmodel" >/dev/null
printf '%s\n%s\n' "$lock_sum" "$project_sum" >"$STAMP"
say "done: $(.venv/bin/python -m pip list --format=freeze 2>/dev/null | wc -l) packages in .venv"
