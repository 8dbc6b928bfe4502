"""What a snapshot holds per (model, field, tier): a value with its status and provenance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

Key = tuple[str, str, str]
"""(model, field, tier)."""


@dataclass(frozen=True)
class Fact:
    """One rate of one vendor as verified (or derived) on a day."""

    unit: str
    value: Decimal | None
    status: str
    source_url: str
    fetch_sha256: str
    fetched_at: datetime
    reason: str | None = None
    published_value: Decimal | None = None
    published_currency: str | None = None
    captured_at: datetime | None = None
    """When the page was captured, where that differs from its fetch (an archived capture)."""

    def same_rate(self, other: Fact) -> bool:
        """Equal for the audit trail: same amount, unit and status (provenance may differ)."""
        return (self.value, self.unit, self.status) == (other.value, other.unit, other.status)
