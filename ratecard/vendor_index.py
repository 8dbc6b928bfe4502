"""One vendor's history in memory, indexed by model and date: the RateBook's lookups.

Read once per vendor, through one connection (five reads: every span it ever had, its run
outcomes, the pages of its verifying runs, its open anomalies and unlisted models: one consistent
picture), it answers "the rows of this model on that day" by ``bisect`` over the dates on which
any of the model's spans begins or ends (each model's step function is built when the model is
first asked for), then dresses them as :func:`ratecard.readmodel.prices` does (the same pure
:func:`~ratecard.readmodel.price_rows`: status, staleness and provenance of that day). So a book
never runs SQL per request and never disagrees with ``ratecard prices`` on the data it read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ratecard import readmodel
from ratecard.crawler import read as fetches
from ratecard.dbapi import Reader
from ratecard.derive import read as anomalies
from ratecard.outcome import VERIFIED
from ratecard.readmodel import StaleAfter, Standing
from ratecard.rows import PriceRow
from ratecard.runs import read as runs
from ratecard.snapshots import read as snapshots
from ratecard.snapshots.read import Span


@dataclass(frozen=True, slots=True)
class ModelSpans:
    """A model's spans as a step function of the date: ``cards[i]`` is in force from ``days[i]``
    until ``days[i + 1]`` (the last one onward); before ``days[0]`` nothing is."""

    days: tuple[date, ...]
    cards: tuple[tuple[Span, ...], ...]

    @classmethod
    def of(cls, spans: Sequence[Span]) -> ModelSpans:
        """Index spans (in the read order: field, tier, date) at every date one begins or ends, in
        one sweep over those dates (a model that changed daily for years stays cheap)."""
        starts: dict[date, list[int]] = {}
        ends: dict[date, list[int]] = {}
        for i, s in enumerate(spans):
            starts.setdefault(s.valid_from, []).append(i)
            if s.valid_to is not None:
                ends.setdefault(s.valid_to, []).append(i)
        active: set[int] = set()
        days, cards = [], []
        for day in sorted(starts.keys() | ends.keys()):
            active.difference_update(ends.get(day, ()))
            active.update(i for i in starts.get(day, ()) if (spans[i].valid_to or date.max) > day)
            days.append(day)
            cards.append(tuple(spans[i] for i in sorted(active)))
        return cls(tuple(days), tuple(cards))

    def at(self, day: date) -> tuple[Span, ...]:
        """The spans in force on ``day``, in the order ``ratecard prices`` lists them."""
        i = bisect_right(self.days, day)
        return self.cards[i - 1] if i else ()


class VendorIndex:
    """A vendor's spans by model, and what its runs said of them by date (see the module)."""

    def __init__(
        self,
        vendor: str,
        spans: Sequence[Span],
        outcomes: Sequence[runs.VendorRun],
        pages: Sequence[fetches.Fetch],
        disputed: Sequence[anomalies.Anomaly],
        unlisted: Sequence[snapshots.Unlisted],
        stale_after: StaleAfter,
    ) -> None:
        self.vendor = vendor
        self._stale_after = stale_after
        self._spans: dict[str, list[Span]] = {}
        for s in spans:
            self._spans.setdefault(s.model, []).append(s)
        self._models: dict[str, ModelSpans] = {}
        self._verified = [v for v in outcomes if v.status in VERIFIED]
        self._verified_days = [v.date for v in self._verified]
        runs_wanted = {v.run_id for v in self._verified}
        self._pages: dict[int, list[fetches.Fetch]] = {}
        for f in pages:
            if f.run_id in runs_wanted and f.sha256:
                self._pages.setdefault(f.run_id, []).append(f)
        self._disputed = list(disputed)
        self._unlisted = {u.model: u for u in unlisted}

    @classmethod
    def load(cls, db: Reader, vendor: str, stale_after: StaleAfter) -> VendorIndex:
        """Read the vendor's history once, through one connection (each stage's own read)."""
        return cls(
            vendor,
            snapshots.of_vendor(db, vendor),
            runs.outcomes_of(db, vendor),
            fetches.with_bodies(db, vendor),
            anomalies.anomalies(db, ("open",), [vendor]),
            snapshots.unlisted(db, [vendor]),
            stale_after,
        )

    def models(self) -> list[str]:
        return sorted(self._spans)

    def spans(self, model: str) -> ModelSpans:
        """The model's step function, built when first asked for (most models never are)."""
        found = self._models.get(model)
        if found is None:
            found = self._models[model] = ModelSpans.of(self._spans.get(model, ()))
        return found

    def prices(self, model: str, day: date) -> list[PriceRow]:
        """The model's rows of ``day``: exactly ``readmodel.prices(db, day, ..., [vendor])``'s rows of
        this model, from memory."""
        spans = self.spans(model).at(day)
        if not spans:
            return []
        return readmodel.price_rows(spans, day, self._stale_after, self.standing(model, day))

    def standing(self, model: str, day: date) -> Standing:
        """What the vendor's runs up to ``day`` said of the model's rates (see :class:`Standing`)."""
        last = bisect_right(self._verified_days, day)
        latest = self._verified[last - 1] if last else None
        vendor = self.vendor
        pages = {vendor: self._pages.get(latest.run_id, [])} if latest else {}
        open_ = [a for a in self._disputed if a.date <= day and a.model == model]
        gone = self._unlisted.get(model)
        return Standing(
            verified={vendor: latest.date} if latest else {},
            confirmed=readmodel.match_evidence(self.spans(model).at(day), pages),
            contested=readmodel.disputes_of(open_, {vendor: self._verified_days}),
            gone={(vendor, model): gone} if gone is not None and gone.since <= day else {},
        )
