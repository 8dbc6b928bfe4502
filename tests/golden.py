"""Golden files for parsers: a reviewed JSON dump of a full parse, compared on every run.

Regenerate with ``RATECARD_UPDATE_GOLDEN=1 pytest tests/test_conformance.py -k golden`` and review the
diff by eye before committing: a golden is only worth what its review was.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ratecard.parsers.base import Parsed, ParsedRate

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE_ENV = "RATECARD_UPDATE_GOLDEN"


def dump(result: Parsed | Iterable[ParsedRate]) -> list[dict[str, Any]]:
    """Every rate as a JSON-ready dict (exact value as a string), sorted by (model, field, tier)."""
    rows = [
        {
            "model": r.model,
            "field": r.field,
            "tier": r.tier,
            "value": None if r.value is None else str(r.value),
            "unit": r.unit,
            "status": r.status,
            "reason": r.reason,
            "currency": r.currency,
            **({"valid_from": r.valid_from.isoformat()} if r.valid_from else {}),
            **({"valid_until": r.valid_until.isoformat()} if r.valid_until else {}),
        }
        for r in (result.rates if isinstance(result, Parsed) else result)
    ]
    return sorted(rows, key=lambda d: (d["model"], d["field"], d["tier"], d.get("valid_from") or ""))


def check_golden(result: Parsed | Iterable[ParsedRate], path: Path) -> None:
    """Assert the parse equals the golden at ``path``; rewrite it instead when UPDATE_ENV=1."""
    actual = dump(result)
    if os.environ.get(UPDATE_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    if not path.exists():
        raise AssertionError(f"golden {path} missing: run with {UPDATE_ENV}=1 and review it")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected, f"parse differs from golden {path}"


def rate_of(result: Parsed, model: str, fld: str, tier: str = "standard") -> ParsedRate:
    """The one rate of ``result`` at (model, field, tier); fails if absent or repeated."""
    (rate,) = [r for r in result.rates if (r.model, r.field, r.tier) == (model, fld, tier)]
    return rate


def mangle(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced; fails loudly if the fixture text is not on the page."""
    assert old in text, f"fixture text {old!r} not in the page"
    return text.replace(old, new)
