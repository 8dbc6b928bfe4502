"""Writing and reading the fetch log: the only SQL on ``fetches``.

Every body goes to the raw store and every fetch gets a row, whatever the rest of the run does.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import distinct, func
from sqlmodel import Session, col, select

from ratecard.crawler.fetch import Fetched
from ratecard.crawler.rawstore import RawStore
from ratecard.crawler.tables import FetchRecord


def keep(session: Session, raw: RawStore, fetched: Sequence[Fetched], run_id: int) -> None:
    """Store each body once (content-addressed) and log each fetch with the run that made it."""
    for f in fetched:
        digest = raw.put(f.body) if f.body is not None else None
        session.add(
            FetchRecord(
                run_id=run_id,
                vendor=f.vendor,
                url=f.url,
                status=f.status,
                content_type=f.content_type,
                sha256=digest,
                size=len(f.body) if f.body is not None else None,
                fetched_at=f.fetched_at,
                error=f.error,
                origin_url=f.origin_url,
                captured_at=f.captured_at,
            )
        )


def of_runs(session: Session, run_ids: Collection[int], vendor: str | None = None) -> list[FetchRecord]:
    """The fetches of these runs (of one vendor), in the order they were logged."""
    query = select(FetchRecord).where(col(FetchRecord.run_id).in_(list(run_ids)))
    if vendor is not None:
        query = query.where(FetchRecord.vendor == vendor)
    return list(session.exec(query.order_by(col(FetchRecord.run_id), col(FetchRecord.id))))


def runs_with_bodies(session: Session, vendor: str) -> set[int]:
    """Runs that fetched a 200 body of the vendor into the raw store."""
    query = (
        select(FetchRecord.run_id)
        .where(FetchRecord.vendor == vendor, FetchRecord.status == 200, col(FetchRecord.sha256).is_not(None))
        .distinct()
    )
    return set(session.exec(query).all())


@dataclass(frozen=True)
class Totals:
    rows: int
    rows_with_body: int
    distinct_bodies: int
    bytes_fetched: int


def totals(session: Session) -> Totals:
    rows, with_body, bodies, fetched = session.exec(
        select(
            func.count(col(FetchRecord.id)),
            func.count(col(FetchRecord.sha256)),
            func.count(distinct(col(FetchRecord.sha256))),
            func.coalesce(func.sum(col(FetchRecord.size)), 0),
        )
    ).one()
    return Totals(int(rows), int(with_body), int(bodies), int(fetched or 0))


def rows_per_body(session: Session) -> dict[str, int]:
    """sha256 -> how many fetch rows point at that body."""
    query = (
        select(FetchRecord.sha256, func.count())
        .where(col(FetchRecord.sha256).is_not(None))
        .group_by(FetchRecord.sha256)
    )
    return {d: int(n) for d, n in session.exec(query).all() if d is not None}


def with_bodies(session: Session) -> list[FetchRecord]:
    """Every fetch that kept a body, oldest first."""
    query = (
        select(FetchRecord)
        .where(col(FetchRecord.sha256).is_not(None))
        .order_by(col(FetchRecord.fetched_at), col(FetchRecord.id))
    )
    return list(session.exec(query))
