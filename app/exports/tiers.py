"""Reading our context tier keys (``context>200k``) back into token thresholds."""

from __future__ import annotations

import re

_CONTEXT = re.compile(r"^context>(?P<n>\d+)(?P<k>k?)$")


def context_threshold(tier: str) -> int | None:
    """Tokens above which a ``context>Nk`` tier applies (``context>200k`` -> 200000), else None."""
    m = _CONTEXT.match(tier)
    if m is None:
        return None
    return int(m["n"]) * (1000 if m["k"] else 1)
