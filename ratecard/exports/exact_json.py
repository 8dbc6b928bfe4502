"""JSON whose numbers are exact: a Decimal is written as the number it is, never through float."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ratecard.money import to_text


def dumps(value: Any, indent: int = 2) -> str:
    """Like ``json.dumps(value, indent=indent)``, but ``Decimal("0.075")`` is written ``0.075``."""
    return _encode(value, indent, 0)


def _encode(value: Any, indent: int, level: int) -> str:
    if isinstance(value, Decimal):
        return to_text(value)
    if isinstance(value, Mapping):
        items = [f"{json.dumps(str(k))}: {_encode(v, indent, level + 1)}" for k, v in value.items()]
        return _wrap("{", items, "}", indent, level)
    if isinstance(value, list | tuple):
        return _wrap("[", [_encode(v, indent, level + 1) for v in value], "]", indent, level)
    return json.dumps(value, ensure_ascii=False)


def _wrap(opening: str, items: list[str], closing: str, indent: int, level: int) -> str:
    if not items:
        return opening + closing
    inner = "\n" + " " * (indent * (level + 1))
    return opening + inner + ("," + inner).join(items) + "\n" + " " * (indent * level) + closing
