"""Money columns that round-trip exactly on SQLite and PostgreSQL.

SQLAlchemy's ``Numeric`` goes through float on SQLite, so ``0.0000375`` could come back altered.
Amounts are stored as canonical decimal text instead (``"0.075"``, never ``"7.5E-2"``): exact on
every backend, readable in a plain SQL shell, and compared in Python as ``Decimal``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from ratecard.money import to_text

__all__ = ["DecimalText", "to_text"]


class DecimalText(TypeDecorator[Decimal]):
    """A ``Decimal`` stored as canonical text."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must be Decimal, not float")
        return to_text(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)
