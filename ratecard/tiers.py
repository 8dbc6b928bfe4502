"""Tier keys: the one module that builds and reads them.

A rate's tier is every dimension besides model and field that changes its price: a service tier
(``service=flex``), a prompt-size bound (``context>200k``), a region or deployment, a variant
(``variant=fine-tuned``), an image size. A key is its dimensions in a stable order,
``deployment=global;region=eastus2``; a bound is written as a comparison, ``context>200k``, the
same key across vendors and registries. The plain rate has the key :data:`STANDARD`.
"""

from __future__ import annotations

import re

STANDARD = "standard"
"""The tier of a plain, undimensioned rate."""
FINE_TUNED = "variant=fine-tuned"
"""A fine-tuned model's own inference and training rates."""

_CONTEXT = re.compile(r"^context>(?P<n>\d+)(?P<k>k?)$")


def make(**dims: str) -> str:
    """A tier key from named dimensions, in a stable order: ``deployment=global;region=eastus``.

    A value starting with ``<`` or ``>`` is a bound and joins its name without ``=``.
    Without dimensions it is the standard tier.
    """
    if not dims:
        return STANDARD
    return ";".join(f"{k}{'' if v[:1] in '<>' else '='}{v}" for k, v in sorted(dims.items()))


def parse(key: str) -> dict[str, str]:
    """The dimensions of a key (``context>200k`` -> ``{"context": ">200k"}``); none for standard."""
    if key == STANDARD:
        return {}
    out: dict[str, str] = {}
    for part in key.split(";"):
        m = re.match(r"^(?P<name>[^=<>]+)(?P<rest>[=<>].*)$", part)
        if m is None:
            raise ValueError(f"not a tier key: {key!r}")
        rest = m["rest"]
        out[m["name"]] = rest[1:] if rest.startswith("=") else rest
    return out


def context(tokens: int) -> str:
    """The key of prices above ``tokens`` prompt tokens: 200000 -> ``context>200k``."""
    return f"context>{tokens // 1000}k" if tokens % 1000 == 0 else f"context>{tokens}"


def context_threshold(key: str) -> int | None:
    """Tokens above which a ``context>N[k]`` tier applies (``context>200k`` -> 200000), else None."""
    m = _CONTEXT.match(key)
    if m is None:
        return None
    return int(m["n"]) * (1000 if m["k"] else 1)
