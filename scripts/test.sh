#!/usr/bin/env bash
# One command on a fresh clone: set up, then lint, type-check and run the whole test suite
# (SQLite and a throwaway PostgreSQL cluster the tests start themselves; browser tests in Debian's
# chromium-headless-shell, driven by pip's playwright).
#
# System packages the tests need (PostgreSQL server, chromium-headless-shell) are installed with apt
# when missing and we are root. Otherwise their tests skip, with a message here and in pytest's
# summary; under CI=1 a missing one is an error.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

say() { printf 'test: %s\n' "$*"; }
ci() { [ -n "${CI:-}" ] && [ "${CI}" != "0" ] && [ "${CI}" != "false" ]; }

APT_UPDATED=
# apt_install PKG: install a Debian package if we can; false (with a message) if we cannot.
apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    say "cannot install $1: needs root and apt-get (run: apt-get install -y --no-install-recommends $1)"
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$APT_UPDATED" ] && ! apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    say "apt-get update (no candidate for $1 in the package lists)"
    apt-get update -q && APT_UPDATED=1
  fi
  say "installing $1 (apt)"
  if ! apt-get install -y -q --no-install-recommends "$1"; then
    [ -n "$APT_UPDATED" ] && return 1
    say "apt-get install failed; retrying after apt-get update (stale package lists?)"
    apt-get update -q && APT_UPDATED=1
    apt-get install -y -q --no-install-recommends "$1" || return 1
  fi
}

# The browser the browser tests drive. Debian installs the binary under /usr/lib/chromium.
find_chromium() {
  local c
  for c in "${RATECARD_CHROMIUM:-}" /usr/lib/chromium/chromium-headless-shell /usr/bin/chromium-headless-shell; do
    if [ -n "$c" ] && [ -x "$c" ]; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

# (missing is fatal under CI=1, else a warning: the tests that need it skip)
missing() {
  if ci; then
    say "ERROR: $1 is missing and CI must run its tests"
    exit 1
  fi
  say "WARNING: $1 is missing: its tests will be skipped"
}

if ! find_chromium >/dev/null; then
  apt_install chromium-headless-shell || true
fi
if chromium="$(find_chromium)"; then
  export RATECARD_CHROMIUM="$chromium"
  say "browser: $RATECARD_CHROMIUM ($("$chromium" --version 2>/dev/null | head -1 || echo 'version unknown'))"
else
  unset RATECARD_CHROMIUM
  missing "chromium-headless-shell"
fi

# PostgreSQL server binaries for the throwaway cluster (tests/conftest.py finds them, or PG_BINDIR).
if [ -z "${PG_BINDIR:-}" ] && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  apt_install postgresql || true
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing "PostgreSQL server (initdb)"
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy (strict)"
.venv/bin/mypy
echo "== pytest"
exec .venv/bin/python -m pytest -n "${RATECARD_TEST_WORKERS:-2}" "$@"
