"""Service tabs (Standard / Batch / Flex / Priority): one rule for where a tab's prices go.

Vendors show the same table once per service tab. The tab a table belongs to must come from its
label on the page, never from its position; this module only says what a label *means*.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from ratecard.parsers.base import tier

SERVICE_LABELS: tuple[str, ...] = ("standard", "batch", "flex", "priority")

_TRAILING_LABEL = re.compile(r"(?:^|\s)([A-Za-z]+)\s*$")


def trailing_label(text: str, allowed: Collection[str] = SERVICE_LABELS) -> str | None:
    """The tab label that ``text`` ends with as a separate word (``"... Batch"`` -> ``"batch"``).

    Flattened tab bars (``"BatchFlexStandardPriority"``) are one word and never count as a label.
    """
    m = _TRAILING_LABEL.search(text)
    if m is None:
        return None
    word = m.group(1).lower()
    return word if word in allowed else None


def placed(field: str, label: str, dims: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(field, tier) of a price shown under service tab ``label``.

    Standard is the plain rate; Batch keeps the tier but names the field ``batch_<field>`` (the
    vocabulary's ``batch_input``/``batch_output``/``batch_cache_read``); Flex and Priority are
    service tiers of their own. ``dims`` adds other dimensions (context length, variant).
    """
    extra = dict(dims or {})
    if label not in SERVICE_LABELS:
        raise ValueError(f"unknown service label {label!r}")
    if label in {"flex", "priority"}:
        extra["service"] = label
    name = f"batch_{field}" if label == "batch" else field
    return name, tier(**extra) if extra else "standard"
