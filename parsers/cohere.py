"""Cohere: the marketing pricing page (cohere.com/pricing) and the Model Vault pricing page.

Marketing page: its model price cards are rendered by JavaScript and absent from the captures we
hold; what remains are FAQ sentences ("Command R+ 08-2024 pricing is $2.50/1M tokens for input
and ..."). Prose is never read into rates (which model and which field a number belongs to is
not reliably attributable), so such a page raises ``no price table found``. A capture that does
carry a model price table (``Model | Input | Output`` per 1M tokens) is read with
:mod:`ratecard.parsers.model_table`. A page whose prices sit in a Next.js payload
(``self.__next_f.push`` chunks) is refused by name until a capture of one has been reviewed.

Model Vault page (docs.cohere.com ``model-vault/<kind>/pricing``, Fern MDX): dedicated instances
priced per instance and hour, month or year (``instance_hourly``/``_monthly``/``_yearly``, units
``usd_per_instance_hour``/``_month``/``_year``), read from tables with a ``Model`` column and
``Hourly rate`` / ``Monthly rate`` / ``Annual rate`` columns. The tier names the vault (from the
page title, ``Standard Vault Pricing`` -> ``vault=standard``) and the instance size: the
``Performance Tier`` cell (``instance=small``) or a size before ``hourly rate`` in the header
(``XL hourly rate`` -> ``instance=xl``). The unit needs the sentence "rates are per instance"
above the table; ``--`` is not offered.
"""

from __future__ import annotations

import re
from datetime import datetime

from ratecard import tiers
from ratecard.parsers.base import Parsed, ParsedRate, ParseError, Unit, money, parsed
from ratecard.parsers.markdown import Table, tables
from ratecard.parsers.model_table import NOT_OFFERED, Label, Layout, read

VENDOR = "cohere"

_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")


def model_id(name: str) -> str:
    """Cohere's API naming: lower case, ``+`` spelled ``-plus``, spaces as hyphens.

    ``Command R+ 08-2024`` -> ``command-r-plus-08-2024``; ``Command A`` -> ``command-a``.
    """
    spelled = name.lower().replace("+", " plus ")
    mid = "-".join(spelled.split())
    if not _ID.match(mid):
        raise ParseError(VENDOR, f"unrecognised model name {name!r}")
    return mid


LAYOUT = Layout(
    vendor=VENDOR,
    labels=(
        Label("batch input", "batch_input"),
        Label("batch output", "batch_output"),
        Label("input", "input"),
        Label("output", "output"),
    ),
    model_id=model_id,
)


#: Instance rate columns: the words of the period -> (field, unit).
_PERIODS: dict[str, tuple[str, Unit]] = {
    "hourly": ("instance_hourly", "usd_per_instance_hour"),
    "monthly": ("instance_monthly", "usd_per_instance_month"),
    "annual": ("instance_yearly", "usd_per_instance_year"),
    "yearly": ("instance_yearly", "usd_per_instance_year"),
}
_RATE_HEADER = re.compile(
    r"^(?P<size>.*?)\s*\b(?P<period>hourly|monthly|annual|yearly)\s+rate$", re.IGNORECASE
)
_VAULT = re.compile(r"\b(?P<kind>\w+)\s+vault\b", re.IGNORECASE)
_TITLE = re.compile(r"^(?:title:\s*[\"']?|#\s+)(?P<title>.+?)[\"']?\s*$", re.MULTILINE)
_PER_INSTANCE = re.compile(r"\brates are per instance\b", re.IGNORECASE)
_NEXT_PAYLOAD = "self.__next_f.push"


def _is_vault_table(table: Table) -> bool:
    return table.column("model") is not None and any(_RATE_HEADER.match(h) for h in table.header)


def _vault_kind(text: str) -> str:
    """``standard`` from the page title ``Standard Vault Pricing``; a page that names none refuses."""
    title = _TITLE.search(text)
    kind = _VAULT.search(title["title"]) if title else None
    if kind is None:
        raise ParseError(VENDOR, "a Model Vault rate table on a page whose title names no vault")
    return kind["kind"].lower()


def _instance_rows(table: Table, kind: str) -> tuple[list[ParsedRate], dict[str, str]]:
    """Rates of one instance table, every column recognised or the table refused."""
    model_col, size_col = table.column("model"), table.column("performance tier")
    cols: list[tuple[int, str, Unit, str]] = []
    for i, head in enumerate(table.header):
        m = _RATE_HEADER.match(head)
        if m:
            fld, unit = _PERIODS[m["period"].lower()]
            cols.append((i, fld, unit, m["size"].strip().lower()))
        elif i not in {model_col, size_col}:
            raise ParseError(VENDOR, f"unknown column {head!r} in a Model Vault rate table")
    rates: list[ParsedRate] = []
    names: dict[str, str] = {}
    for row in table.rows:
        if len(row) != len(table.header) or model_col is None:
            raise ParseError(VENDOR, f"row {row!r} does not match header {table.header!r}")
        mid = model_id(row[model_col])
        names.setdefault(mid, row[model_col])
        for i, fld, unit, header_size in cols:
            size = header_size or (row[size_col].strip().lower() if size_col is not None else "")
            tier = tiers.make(vault=kind, instance=size) if size else tiers.make(vault=kind)
            cell = row[i].strip()
            if cell.lower() in NOT_OFFERED or cell == "--":
                rates.append(
                    ParsedRate(
                        mid, fld, None, unit, tier, status="not_offered", reason=f"page shows {cell!r}"
                    )
                )
            elif re.fullmatch(r"\$\s*\d[\d,]*(?:\.\d+)?", cell):
                rates.append(ParsedRate(mid, fld, money(cell), unit, tier))
            else:
                raise ParseError(
                    VENDOR, f"unreadable price {cell!r} for {row[model_col]} {table.header[i]!r}"
                )
    return rates, names


def _vault(text: str, found: list[Table]) -> Parsed:
    """The Model Vault page's instance rates; a table without "per instance" above it is noted."""
    kind = _vault_kind(text)
    rates: list[ParsedRate] = []
    names: dict[str, str] = {}
    notes: list[str] = []
    for table in found:
        if not _PER_INSTANCE.search(table.preface):
            notes.append(
                f"rates of {', '.join(r[0] for r in table.rows)} not stored: no 'per instance' unit stated"
            )
            continue
        more, shown = _instance_rows(table, kind)
        rates += more
        for mid, name in shown.items():
            names.setdefault(mid, name)
    return parsed(VENDOR, rates, names, notes)


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    text = body.decode("utf-8")
    vault = [t for t in tables(text) if _is_vault_table(t)]
    if vault:
        return _vault(text, vault)
    if _NEXT_PAYLOAD in text:
        raise ParseError(
            VENDOR,
            f"{url} carries its prices in a Next.js payload ({_NEXT_PAYLOAD} chunks); no capture of that "
            "payload has been reviewed, so it is not read",
        )
    return read(text, url, LAYOUT)
