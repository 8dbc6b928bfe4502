"""Reading the fetch log on the read path (plain SQL through :mod:`ratecard.dbapi`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from ratecard.dbapi import Reader, Row, as_datetime


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


_COLUMNS = "run_id, vendor, url, status, sha256, size, fetched_at, error, origin_url"


def _fetch(r: Row) -> Fetch:
    return Fetch(
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


def of_runs(db: Reader, run_ids: Collection[int]) -> list[Fetch]:
    """The fetches of these runs, in the order they were logged."""
    if not run_ids:
        return []
    sql = f"SELECT {_COLUMNS} FROM fetches WHERE run_id IN :ids ORDER BY run_id, id"
    return [_fetch(r) for r in db.rows(sql, {"ids": sorted(run_ids)})]


def with_bodies(db: Reader, vendor: str) -> list[Fetch]:
    """Every fetch of one vendor's pages that stored a body, by run, in the order they were logged."""
    sql = f"SELECT {_COLUMNS} FROM fetches WHERE vendor = :vendor AND sha256 IS NOT NULL ORDER BY run_id, id"
    return [_fetch(r) for r in db.rows(sql, {"vendor": vendor})]


def latest_bodies(db: Reader, vendor: str, limit: int = 3) -> list[Fetch]:
    """The ``vendor``'s latest fetches that brought a body into the raw store (HTTP 200), newest first:
    for a registry (``registry:litellm``), the copies the nightly runs fetched from upstream."""
    sql = (
        f"SELECT {_COLUMNS} FROM fetches WHERE vendor = :vendor AND status = 200 AND sha256 IS NOT NULL "
        "AND error IS NULL ORDER BY fetched_at DESC, id DESC LIMIT :limit"
    )
    return [_fetch(r) for r in db.rows(sql, {"vendor": vendor, "limit": limit})]
