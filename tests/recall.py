"""Recall checks (issue 12): a page's published prices, written by hand, against what a parser stored.

A recall test lists, per capture, every price the page publishes (:class:`Price`, read from the
page, never from the parser) and what the page states about prices that is not modelled, with the
reason (:attr:`Page.not_modelled`, phrases as the page writes them). The checks below then say
what is missing, wrong, extra, unreported or unlisted.

Each ``test_recall_<vendor>.py`` exposes its pages as ``RECALL: list[tuple[str, Page]]`` (vendor,
page); :func:`row` sums one up for the recall table of ``docs/units.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ratecard.parsers.base import Parsed, ParsedRate


@dataclass(frozen=True)
class Price:
    """One published price: in USD, verified, per ``unit``, at ``tier``; ``value`` None where the
    page shows '-' (stored as not offered)."""

    model: str
    field: str
    value: str | None
    unit: str = "usd_per_mtok"
    tier: str = "standard"


@dataclass(frozen=True)
class Page:
    """A capture, every price it publishes, and what it states that is not modelled (phrase -> why)."""

    name: str
    published: list[Price]
    not_modelled: dict[str, str]


def as_stored(p: Price) -> tuple[Decimal | None, str, str, str]:
    """(value, unit, currency, status) a listed price is stored as; a dash is "not offered"."""
    if p.value is None:
        return None, p.unit, "USD", "not_offered"
    return Decimal(p.value), p.unit, "USD", "verified"


def missing_or_wrong(result: Parsed, page: Page) -> tuple[list[Price], list[tuple[Price, ParsedRate]]]:
    """Published prices not stored, and those stored with another value, unit, currency or status."""
    stored = {(r.model, r.field, r.tier): r for r in result.rates}
    missing: list[Price] = []
    wrong: list[tuple[Price, ParsedRate]] = []
    for p in page.published:
        rate = stored.get((p.model, p.field, p.tier))
        if rate is None:
            missing.append(p)
        elif (rate.value, rate.unit, rate.currency, rate.status) != as_stored(p):
            wrong.append((p, rate))
    return missing, wrong


def extra(result: Parsed, page: Page) -> set[tuple[str, str, str]]:
    """Keys priced (a value stored) that the page does not publish."""
    published = {(p.model, p.field, p.tier) for p in page.published}
    return {(r.model, r.field, r.tier) for r in result.rates if r.value is not None} - published


def note_items(result: Parsed) -> set[str]:
    """What the notes say was not stored: ``not stored (<section>): a; b`` -> ``{"a", "b"}``."""
    return {item for note in result.notes for item in note.split("): ", 1)[1].split("; ")}


_AMOUNT = re.compile(r"\\?\$\s?(\d[\d,]*(?:\.\d+)?)")


def amounts(text: str) -> set[Decimal]:
    """Every ``$`` amount in ``text`` (markdown escapes allowed), without code blocks."""
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    return {Decimal(a.replace(",", "")) for a in _AMOUNT.findall(text)}


def unlisted_amounts(text: str, page: Page) -> set[Decimal]:
    """``$`` amounts on the page that neither list accounts for (independent of the parser)."""
    listed = {Decimal(p.value) for p in page.published if p.value is not None}
    listed |= {a for phrase in page.not_modelled for a in amounts(phrase)}
    return amounts(text) - listed


def problems(result: Parsed, page: Page, text: str) -> dict[str, list[object]]:
    """Everything recall finds wrong with one capture, by kind; empty when it is all accounted for."""
    missing, wrong = missing_or_wrong(result, page)
    noted, listed = note_items(result), set(page.not_modelled)
    found: dict[str, list[object]] = {
        "published but not stored": list(missing),
        "stored differently": list(wrong),
        "priced but not published": sorted(extra(result, page)),
        "noted but not listed as not modelled": sorted(noted - listed),
        "listed as not modelled but not noted": sorted(listed - noted),
        "$ amounts on the page in neither list": sorted(unlisted_amounts(text, page)),
    }
    return {kind: items for kind, items in found.items() if items}
