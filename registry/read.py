"""Reading cross-check results on the read path (plain SQL through :mod:`ratecard.dbapi`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ratecard.dbapi import Reader, Row, as_date, as_decimal, maybe


@dataclass(frozen=True, slots=True)
class StoredCheck:
    run_id: int
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
    registry_date: date | None
    registry_source: str
    source_url: str | None
    seen: date


def _check(r: Row) -> StoredCheck:
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
        seen=as_date(r["seen"]),
    )


def latest(
    db: Reader, registry: str | None = None, vendors: Collection[str] | None = None
) -> list[StoredCheck]:
    """The results of each vendor's latest cross-checked run (against ``registry`` if named)."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if registry:
        conditions.append("registry_name = :registry")
        params["registry"] = registry
    if vendors is not None:
        conditions.append("vendor IN :vendors")
        params["vendors"] = sorted(vendors)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    runs = db.rows(f"SELECT vendor, MAX(run_id) AS run_id FROM crosschecks {where} GROUP BY vendor", params)
    out: list[StoredCheck] = []
    for found in sorted(runs, key=lambda r: str(r["vendor"])):
        mine = ["vendor = :v", "run_id = :run", *(["registry_name = :registry"] if registry else [])]
        sql = (
            "SELECT run_id, vendor, model, field, tier, outcome, ours, theirs, rel_diff, registry_key, "
            "match_rule, registry_name, registry_version, registry_date, registry_source, source_url, seen "
            f"FROM crosschecks WHERE {' AND '.join(mine)} ORDER BY id"
        )
        values = {"v": found["vendor"], "run": found["run_id"], "registry": registry}
        out.extend(_check(r) for r in db.rows(sql, values))
    return out
