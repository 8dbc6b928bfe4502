"""Reading cross-check results on the read path (plain SQL through :mod:`ratecard.dbapi`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ratecard.dbapi import Reader, Row, as_date, as_decimal, maybe


@dataclass(frozen=True, slots=True)
class Check:
    """One compared rate, with the registry version it was compared against and our evidence."""

    vendor: str
    model: str
    field: str
    tier: str
    outcome: str
    """agree, disagree, vendor_only or registry_only."""
    ours: Decimal | None
    theirs: Decimal | None
    rel_diff: Decimal | None
    registry_key: str | None
    match_rule: str | None
    registry_name: str
    registry_version: str
    """sha256 of the registry file."""
    registry_date: date | None
    registry_source: str
    source_url: str | None
    """Where we read our value (for patches)."""
    seen: date
    converted: bool = False
    """Our value is a conversion of a price published in another currency (marked, still compared)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredCheck(Check):
    """A comparison as stored: by the run that made it last (``seen``), holding since ``valid_from``."""

    run_id: int
    valid_from: date


def _check(r: Row, seen: date) -> StoredCheck:
    return StoredCheck(
        run_id=int(r["run_id"]),
        vendor=r["vendor"],
        model=r["model"],
        field=r["field"],
        tier=r["tier"],
        outcome=r["outcome"],
        ours=as_decimal(r["ours"]),
        theirs=as_decimal(r["theirs"]),
        rel_diff=as_decimal(r["rel_diff"]),
        registry_key=r["registry_key"],
        match_rule=r["match_rule"],
        registry_name=r["registry_name"],
        registry_version=r["registry_version"],
        registry_date=maybe(as_date, r["registry_date"]),
        registry_source=r["registry_source"],
        source_url=r["source_url"],
        seen=seen,
        converted=bool(r["converted"]),
        valid_from=as_date(r["valid_from"]),
    )


def last_read(db: Reader, vendors: Collection[str] | None = None) -> dict[tuple[str, str], date]:
    """(vendor, registry) -> the last day a run compared them."""
    where, params = (
        ("WHERE vendor IN :vendors", {"vendors": sorted(vendors)}) if vendors is not None else ("", {})
    )
    sql = (
        f"SELECT vendor, registry_name, MAX(day) AS day FROM registry_reads {where} "
        "GROUP BY vendor, registry_name"
    )
    return {(r["vendor"], r["registry_name"]): as_date(r["day"]) for r in db.rows(sql, params)}


def latest(
    db: Reader, registry: str | None = None, vendors: Collection[str] | None = None
) -> list[StoredCheck]:
    """The results in force now: the open span of every compared rate (the latest run's answer)."""
    conditions = ["valid_to IS NULL"]
    params: dict[str, Any] = {}
    if registry:
        conditions.append("registry_name = :registry")
        params["registry"] = registry
    if vendors is not None:
        conditions.append("vendor IN :vendors")
        params["vendors"] = sorted(vendors)
    sql = (
        "SELECT run_id, vendor, model, field, tier, outcome, ours, theirs, rel_diff, registry_key, "
        "match_rule, registry_name, registry_version, registry_date, registry_source, source_url, "
        f"converted, valid_from FROM crosschecks WHERE {' AND '.join(conditions)} "
        "ORDER BY vendor, id"
    )
    reads = last_read(db, vendors)
    out = []
    for r in db.rows(sql, params):
        seen = reads.get((r["vendor"], r["registry_name"])) or as_date(r["valid_from"])
        out.append(_check(r, seen))
    return out
