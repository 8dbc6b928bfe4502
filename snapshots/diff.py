"""The difference between two snapshots of one vendor, as a list of audit-ready deltas (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ratecard.snapshots.facts import Fact, Key


@dataclass(frozen=True)
class Delta:
    key: Key
    kind: str
    """model_added, model_removed, added, removed, changed (value) or status (same value)."""
    old: Fact | None
    new: Fact | None
    effective: date | None = None
    """The day the change takes effect when it is not the run's day (a scheduled price)."""


def diff(old: Mapping[Key, Fact], new: Mapping[Key, Fact]) -> list[Delta]:
    """Every difference, one delta per (model, field, tier), in key order."""
    old_models = {k[0] for k in old}
    new_models = {k[0] for k in new}
    out: list[Delta] = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before is None and after is not None:
            kind = "added" if key[0] in old_models else "model_added"
        elif after is None and before is not None:
            kind = "removed" if key[0] in new_models else "model_removed"
        elif before is not None and after is not None and not before.same_rate(after):
            kind = "status" if before.value == after.value and before.unit == after.unit else "changed"
        else:
            continue
        out.append(Delta(key, kind, before, after))
    return out
