"""Reading the fetch log on the read path (plain SQL through :mod:`ratecard.dbapi`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from ratecard.dbapi import Reader, as_datetime


@dataclass(frozen=True, slots=True)
class Fetch:
    run_id: int
    vendor: str
    url: str
    status: int | None
    sha256: str | None
    size: int | None
    fetched_at: datetime
    error: str | None
    origin_url: str | None
    """An archived capture's own URL (``url`` is where it was replayed from)."""

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200 and self.sha256 is not None


def of_runs(db: Reader, run_ids: Collection[int]) -> list[Fetch]:
    """The fetches of these runs, in the order they were logged."""
    if not run_ids:
        return []
    sql = (
        "SELECT run_id, vendor, url, status, sha256, size, fetched_at, error, origin_url FROM fetches "
        "WHERE run_id IN :ids ORDER BY run_id, id"
    )
    return [
        Fetch(
            run_id=int(r["run_id"]),
            vendor=r["vendor"],
            url=r["url"],
            status=r["status"],
            sha256=r["sha256"],
            size=r["size"],
            fetched_at=as_datetime(r["fetched_at"]),
            error=r["error"],
            origin_url=r["origin_url"],
        )
        for r in db.rows(sql, {"ids": sorted(run_ids)})
    ]
