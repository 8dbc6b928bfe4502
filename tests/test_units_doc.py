"""docs/units.md: its unit table is ratecard.units and FIELDS, its recall table is what the recall
lists and today's parsers make, and every recall row is whole."""

from __future__ import annotations

from decimal import Decimal

import pytest
from recall import DOC, Page, Price, Row, parse_capture, recall_pages, row, section, splice, table

from ratecard.parsers.base import FIELDS, FLAG_FIELDS, ParsedRate, parsed
from ratecard.units import UNITS

TEXT = DOC.read_text(encoding="utf-8")


def test_the_recall_table_is_what_the_lists_and_parsers_make_today() -> None:
    """Regenerate with ``.venv/bin/python tests/recall.py --write`` and review the diff."""
    assert section(TEXT) == table()


@pytest.mark.parametrize("vendor_page", recall_pages(), ids=lambda vp: f"{vp[0]}/{vp[1].name}")
def test_every_recall_row_is_whole(vendor_page: tuple[str, Page]) -> None:
    vendor, page = vendor_page
    r = row(vendor, page, parse_capture(vendor, page.name))
    assert (r.wrong_or_missing, r.extra, r.stored) == (0, 0, r.published) and r.published > 0


def test_the_five_vendors_of_issue_12_have_recall_lists() -> None:
    vendors = {vendor for vendor, _ in recall_pages()}
    assert vendors >= {"anthropic", "google", "openai", "perplexity", "xai"}


def test_the_unit_table_lists_each_unit_with_what_it_counts_and_its_fields() -> None:
    lines = {line for line in TEXT.splitlines() if line.startswith("| `") and "` | " in line}
    for u in UNITS.values():
        fields = FLAG_FIELDS if u.name == "flag" else [f for f, q in FIELDS.items() if u.quantity in q]
        named = ", ".join(f"`{f}`" for f in fields)
        assert f"| `{u.name}` | {u.quantity or '-'} | {u.per:,} | {u.meaning} | {named} |" in lines


def test_a_row_counts_missing_wrong_extra_and_derived_prices() -> None:
    page = Page(
        "2026-01-01__x.md",
        [
            Price("m", "input", "1"),
            Price("m", "output", "2"),  # stored as 3: wrong
            Price("m", "cache_read", "0.1"),  # not stored: missing
            Price("m", "input", "1"),  # printed twice on the page: one price
            Price("m", "batch_input", None),  # a '-' cell, stored as not offered
        ],
        {"$9 per thing": "no unit for things"},
    )
    result = parsed(
        "x",
        [
            ParsedRate("m", "input", Decimal(1)),
            ParsedRate("m", "output", Decimal(3)),
            ParsedRate("m", "batch_input", None, status="not_offered", reason="page shows '-'"),
            ParsedRate("m", "reasoning", Decimal(5)),  # extra
            ParsedRate("m", "input", Decimal("1.1"), tier="processing=regional", status="inferred"),
            ParsedRate("m", "deprecated", None, unit="flag"),
        ],
    )
    assert row("x", page, result) == Row(
        "x", "2026-01-01__x.md", 3, 1, 2, 1, 1, (("$9 per thing", "no unit for things"),)
    )


def test_a_dash_stored_as_a_price_is_wrong() -> None:
    page = Page("p", [Price("m", "input", None)], {})
    result = parsed("x", [ParsedRate("m", "input", Decimal(0))])
    assert row("x", page, result).wrong_or_missing == 1


def test_splice_replaces_only_the_generated_part() -> None:
    spliced = splice(TEXT, "| new |\n")
    assert section(spliced) == "| new |\n"
    assert spliced.split("<!-- recall table")[0] == TEXT.split("<!-- recall table")[0]
    assert splice(spliced, section(TEXT)) == TEXT
