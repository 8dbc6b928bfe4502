"""Service tabs (Standard / Batch / Flex / Priority): one rule for where a tab's prices go.

Vendors show the same table once per service tab. The tab a table belongs to must come from its
label on the page, never from its position; this module only says what a label *means*. A label
it does not know means "not a tab we read": callers skip that table rather than guess.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from ratecard import tiers

SERVICE_LABELS: tuple[str, ...] = ("standard", "batch", "flex", "priority")


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


def service_label(text: str, aliases: Mapping[str, str] | None = None) -> str | None:
    """The service tab ``text`` names (``"Batch"`` -> ``"batch"``), or None for any other text.

    ``aliases`` maps a vendor's other names for a tab to one of SERVICE_LABELS (a renamed tab
    keeps its tier key); only the vendor that states the rename passes them.
    """
    low = _plain(text)
    if low in SERVICE_LABELS:
        return low
    target = (aliases or {}).get(low)
    return target if target in SERVICE_LABELS else None


def trailing_label(
    text: str,
    allowed: Collection[str] = SERVICE_LABELS,
    aliases: Mapping[str, str] | None = None,
) -> str | None:
    """The tab label that ``text`` ends with as separate words (``"... Batch"`` -> ``"batch"``).

    Flattened tab bars (``"BatchFlexStandardPriority"``) are one word and never count as a label.
    """
    names = {name: name for name in allowed}
    names.update({k: v for k, v in (aliases or {}).items() if v in allowed})
    low = _plain(text)
    for name in sorted(names, key=len, reverse=True):
        if low == name or low.endswith(f" {name}"):
            return names[name]
    return None


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
    return name, tiers.make(**extra)
