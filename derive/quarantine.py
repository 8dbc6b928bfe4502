"""Absurd values are held for a person to confirm, not stored: the previous value stays in force.

Real prices do move a lot (OpenRouter moved one model's input 23× in a month), so a quarantined
value is a question, answered with `ratecard accept`, not a verdict.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ratecard.money import to_text
from ratecard.snapshots.facts import Fact, Key
from ratecard.units import UNITS


@dataclass(frozen=True)
class Anomaly:
    key: Key
    kind: str
    """negative, above_ceiling, dropped_to_zero, zero_not_free, moved or unit_change."""
    old: Fact | None
    new: Fact
    message: str


@dataclass(frozen=True)
class Limits:
    ceiling_usd_per_mtok: Decimal
    max_move_factor: Decimal


def _check(key: Key, old: Fact | None, new: Fact, free: bool, limits: Limits) -> tuple[str, str] | None:
    value = new.value
    if value is None or new.unit == "flag":
        return None
    before = old.value if old is not None and old.unit == new.unit else None
    if value < 0:
        return "negative", f"negative price {to_text(value)}"
    if new.unit == "usd_per_mtok" and value > limits.ceiling_usd_per_mtok:
        return (
            "above_ceiling",
            f"{to_text(value)} is above the ceiling of {limits.ceiling_usd_per_mtok} per MTok",
        )
    if value == 0 and not free:
        if before:
            return "dropped_to_zero", f"dropped from {to_text(before)} to 0 on a model not listed as free"
        return "zero_not_free", "priced at 0 on a model not listed as free"
    if before and value:
        factor = max(value / before, before / value)
        if factor > limits.max_move_factor:
            move = f"{to_text(before)} -> {to_text(value)}"
            return "moved", f"moved {move} ({factor:.1f}×, limit {limits.max_move_factor}×)"
    return None


UNIT_CHANGE = "unit_change"
_PER_TOKEN = Decimal("1e-6")


def token_prices(facts: Mapping[Key, Fact]) -> dict[tuple[str, str], list[tuple[str, Decimal]]]:
    """Each (model, tier)'s priced per-token fields, by field name: what :func:`unit_change`
    compares with, indexed once per screening rather than searched once per value."""
    out: dict[tuple[str, str], list[tuple[str, Decimal]]] = {}
    for (m, f, t), fact in sorted(facts.items()):
        if fact.unit == "usd_per_mtok" and fact.value:
            out.setdefault((m, t), []).append((f, fact.value))
    return out


def unit_change(
    key: Key, new: Fact, tokens: Mapping[tuple[str, str], Sequence[tuple[str, Decimal]]]
) -> str | None:
    """Why a value in another unit looks like the model's per-token price (OpenRouter's ``image``
    once took its prompt's per-token price): a change of unit, never a price to store as it is.
    One item's price (an image, a request: ``usd_per_1k_requests`` / 1,000) is compared with one
    token's (``tokens``: :func:`token_prices`); units per million of something (characters) are
    left alone."""
    per = UNITS[new.unit].per_exp if new.unit in UNITS else 6
    if new.unit in ("usd_per_mtok", "flag") or not new.value or per >= 6:
        return None  # per million characters, per MTok-hour: per-token sized by design
    one = new.value.scaleb(-per)  # the price of one image, request, second...
    model, _field, tier = key
    for f, value in tokens.get((model, tier), ()):
        if value * _PER_TOKEN == one:
            return (
                f"{to_text(new.value)} equals {f} per token ({to_text(value)} per MTok): "
                f"a change of unit at the source, not a price; stored as {new.unit} it would be wrong"
            )
    return None


def screen(
    previous: Mapping[Key, Fact],
    new: Mapping[Key, Fact],
    limits: Limits,
    accepted: Collection[tuple[Key, Decimal]] = (),
    history: Mapping[Key, Fact] | None = None,
) -> tuple[dict[Key, Fact], list[Anomaly]]:
    """Hold every absurd new value: keep the previous fact (or none) and report an anomaly.

    A value a person already accepted for that key (``ratecard accept``) is not questioned again.
    ``history`` holds each key's last priced value, for keys that were removed or not offered since.
    """
    free = {k[0] for k in new if k[1] == "free"}
    tokens = token_prices(new)
    kept = dict(new)
    anomalies = []
    for key, fact in sorted(new.items()):
        old = previous.get(key)
        if fact.value is not None and (key, fact.value) in accepted:
            continue
        last = old if old is not None and old.value is not None else (history or {}).get(key, old)
        changed = unit_change(key, fact, tokens)
        found = (UNIT_CHANGE, changed) if changed else _check(key, last, fact, key[0] in free, limits)
        if found is None:
            continue
        kind, message = found
        anomalies.append(Anomaly(key, kind, old, fact, message))
        if old is not None:
            kept[key] = old
        else:
            del kept[key]
    return kept, anomalies
