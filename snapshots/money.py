"""Money columns that round-trip exactly: NUMERIC on PostgreSQL, canonical text on SQLite.

SQLAlchemy's ``Numeric`` goes through float on SQLite, so ``0.0000375`` could come back altered:
there amounts are stored as canonical decimal text (``"0.075"``, never ``"7.5E-2"``). PostgreSQL's
``NUMERIC`` (no precision limit) is exact, so amounts are numbers there: a BI tool or ``psql`` can
sum and compare them. One column type, both backends, always a ``Decimal`` in Python.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from ratecard.money import from_text, to_text

__all__ = ["DecimalText", "to_text"]


class DecimalText(TypeDecorator[Decimal]):
    """A ``Decimal`` stored exactly: ``NUMERIC`` on PostgreSQL, canonical text elsewhere."""

    impl = String(64)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(asdecimal=True))
        return dialect.type_descriptor(String(64))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Decimal | str | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must be Decimal, not float")
        text = to_text(Decimal(value))
        return Decimal(text) if dialect.name == "postgresql" else text

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else from_text(str(value))
