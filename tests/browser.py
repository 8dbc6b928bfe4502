"""Where the tests find a browser: Debian's chromium-headless-shell, which pip's playwright drives
(its own browser download cannot reach the internet here). Imported as ``from browser import ...``."""

from __future__ import annotations

import os

KNOWN_PATHS = ("/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium-headless-shell")
# --no-sandbox: we run as root in a container; the rest keep Chromium off the (closed) network.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """``$RATECARD_CHROMIUM`` if set (it must then exist), else Debian's install location."""
    env = os.environ.get("RATECARD_CHROMIUM")
    if env:
        return env
    return next((p for p in KNOWN_PATHS if os.access(p, os.X_OK)), None)
