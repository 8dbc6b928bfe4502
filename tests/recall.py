"""Recall checks (issue 12): a page's published prices, written by hand, against what a parser stored.

``python tests/recall.py`` prints the recall table of ``docs/units.md``; ``--write`` puts it there
(``tests/test_units_doc.py`` fails when the doc and today's lists and parsers differ).

A recall test lists, per capture, every price the page publishes (:class:`Price`, read from the
page, never from the parser) and what the page states about prices that is not modelled, with the
reason (:attr:`Page.not_modelled`, phrases as the page writes them). The checks below then say
what is missing, wrong, extra, unreported or unlisted.

Each ``test_recall_<vendor>.py`` exposes its pages as ``RECALL: list[tuple[str, Page]]`` (vendor,
page); :func:`row` sums one up for the recall table of ``docs/units.md``.
"""

from __future__ import annotations

import importlib
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

from ratecard.parsers.base import Parsed, ParsedRate, ParseError


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


@dataclass(frozen=True)
class Row:
    """One capture's line of the recall table."""

    vendor: str
    capture: str
    published: int
    """Distinct prices (model, field, tier) the hand-written list says the page publishes; a '-' is none."""
    stored: int
    """Of those, stored with the listed value, unit, currency, tier and status ``verified``."""
    wrong_or_missing: int
    """Listed entries (prices, and '-' cells where listed) not stored as listed: should be 0."""
    extra: int
    """Prices stored that the list does not publish, derived rates aside: should be 0."""
    derived: int
    """Rates derived by the vendor's documented rule (status ``inferred``), such as a regional uplift."""
    not_modelled: tuple[tuple[str, str], ...]
    """What the page states about prices that is not stored, each with why."""


def row(vendor: str, page: Page, result: Parsed) -> Row:
    """The recall table's line for one capture: the hand-written ``page`` against ``result``."""
    missing, wrong = missing_or_wrong(result, page)
    bad = {(p.model, p.field, p.tier) for p in [*missing, *(p for p, _ in wrong)]}
    priced = {(p.model, p.field, p.tier) for p in page.published if p.value is not None}
    inferred = {(r.model, r.field, r.tier) for r in result.rates if r.status == "inferred"}
    return Row(
        vendor=vendor,
        capture=page.name,
        published=len(priced),
        stored=len(priced - bad),
        wrong_or_missing=len(bad),
        extra=len(extra(result, page) - inferred),
        derived=len(inferred),
        not_modelled=tuple(page.not_modelled.items()),
    )


# --- the recall table of docs/units.md ---------------------------------------------------------

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "units.md"
BEGIN = "<!-- recall table: generated by `python tests/recall.py --write`, do not edit by hand -->"
END = "<!-- end of recall table -->"
#: Read date of an ``undated__`` capture (as in ``tests/test_conformance.py``).
UNDATED = datetime(2025, 12, 20, tzinfo=UTC)


def recall_pages() -> list[tuple[str, Page]]:
    """Every ``RECALL`` of ``tests/test_recall_*.py``, by vendor and capture."""
    found: list[tuple[str, Page]] = []
    for path in sorted(HERE.glob("test_recall_*.py")):
        found += getattr(importlib.import_module(path.stem), "RECALL", [])
    return sorted(found, key=lambda vp: (vp[0], vp[1].name))


def captures(vendor: str) -> list[str]:
    """The bundled capture files of ``vendor`` (``SOURCES.tsv`` is their provenance, not a page)."""
    folder = files("ratecard") / "captures" / vendor
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != "SOURCES.tsv")


def parse_capture(vendor: str, name: str) -> Parsed:
    """``vendor``'s parser on its bundled capture ``name``, read on the capture's day."""
    parser = importlib.import_module(f"ratecard.parsers.{vendor}")
    stamp = name.split("__", 1)[0]
    day = UNDATED if stamp == "undated" else datetime.fromisoformat(stamp).replace(tzinfo=UTC)
    body = (files("ratecard") / "captures" / vendor / name).read_bytes()
    result: Parsed = parser.parse(body, f"ratecard/captures/{vendor}/{name}", day)
    return result


def unlisted(pages: list[tuple[str, Page]]) -> list[tuple[str, str, str]]:
    """Captures of the recall vendors without a recall list: (vendor, capture, what the parser does)."""
    listed = {(vendor, page.name) for vendor, page in pages}
    out = []
    for vendor in sorted({vendor for vendor, _ in pages}):
        for name in captures(vendor):
            if (vendor, name) in listed:
                continue
            try:
                stored = sum(r.value is not None for r in parse_capture(vendor, name).rates)
            except ParseError:
                out.append((vendor, name, "the parser refuses it"))
            else:
                out.append((vendor, name, f"the parser stores {stored} prices, not reviewed for recall"))
    return out


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render(rows: list[Row], without: list[tuple[str, str, str]]) -> str:
    """The table, then each capture's not-modelled items with their reasons, then the captures
    that have no recall list."""
    lines = [
        "| vendor | capture | published | stored | wrong or missing | extra stored | derived | not modelled |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.vendor} | `{r.capture}` | {r.published} | {r.stored} | {r.wrong_or_missing} | {r.extra} "
        f"| {r.derived} | {len(r.not_modelled)} |"
        for r in rows
    ]
    for r in rows:
        lines += ["", f"**{r.vendor} `{r.capture}`, not modelled:**", ""]
        lines += [f"- {_code(phrase)}: {why}" for phrase, why in r.not_modelled] or ["- nothing"]
    if without:
        lines += ["", "Captures of these vendors without a recall list:", ""]
        lines += [f"- {vendor} `{name}`: {what}" for vendor, name, what in without]
    return "\n".join(lines) + "\n"


def table() -> str:
    """The recall table as today's lists and parsers make it."""
    pages = recall_pages()
    rows = [row(vendor, page, parse_capture(vendor, page.name)) for vendor, page in pages]
    return render(rows, unlisted(pages))


def _parts(doc: str) -> tuple[str, str, str]:
    head, begin, rest = doc.partition(BEGIN + "\n")
    body, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"{DOC.name} lacks the recall table markers")
    return head + begin, body, end + tail


def section(doc: str) -> str:
    """The generated part of ``doc``, between its markers."""
    return _parts(doc)[1]


def splice(doc: str, generated: str) -> str:
    """``doc`` with ``generated`` between its markers."""
    head, _, tail = _parts(doc)
    return head + generated + tail


def main(argv: list[str]) -> int:
    """Print the recall table, or with ``--write`` put it into ``docs/units.md``."""
    generated = table()
    if argv == ["--write"]:
        DOC.write_text(splice(DOC.read_text(encoding="utf-8"), generated), encoding="utf-8")
        return 0
    if argv:
        sys.stderr.write("usage: python tests/recall.py [--write]\n")
        return 2
    sys.stdout.write(generated)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
