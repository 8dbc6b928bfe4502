"""Money as text and back, exactly: the one spelling of an amount in every output and column.

Pure (no SQLAlchemy): the read path, JSON/CSV output and the HTTP server use it without the ORM.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def to_text(value: Decimal) -> str:
    """Canonical fixed-point text of a Decimal: no exponent, no trailing zeros."""
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    text = format(value, "f")  # exact digits: normalize() would round to the context's precision
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"", "-0"} else text


def from_text(text: str) -> Decimal:
    """The Decimal of stored or published amount text, canonicalised (``"0.0750"`` -> ``0.075``)."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    return Decimal(to_text(value))
