"""The parser contract, checked for every configured vendor on every bundled capture.

Each capture goes through the pipeline's own stamping (``verify.parse_all`` on ``Fetched``
records, then ``to_fact``), in the shape the live endpoint serves it: pages as captured, Azure's
NDJSON as the Retail Prices API's 100-item pages, OpenRouter's scraper envelope both as captured
and as the bare ``{"data": [...]}`` API body. A new vendor's parser and captures are picked up
here without any change to this file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import get_args

import pytest
from golden import GOLDEN_DIR, UPDATE_ENV, check_golden

from ratecard.capture_server import PAGE_SIZE, api_body, ndjson_pages
from ratecard.captures import MANIFEST, bundled_dir
from ratecard.config.settings import Settings, load
from ratecard.crawler.fetch import Fetched
from ratecard.crawler.rawstore import sha256
from ratecard.outcome import VendorFailure
from ratecard.parsers import get_parser
from ratecard.parsers.base import (
    CORE_FIELDS,
    EXTRA_FIELDS,
    FLAG_FIELDS,
    ParseError,
    SourcedRate,
    Status,
)
from ratecard.units import UNITS
from ratecard.verify import parse_all, to_fact

#: Captures no parser can read without guessing: each must be refused, never half-read.
EXPECTED_REFUSALS: frozenset[tuple[str, str]] = frozenset(
    {
        ("google", "2025-10-15__gemini-api-pricing.jina.md"),  # headless markdown: tables without modes
        ("xai", "2025-12-20__docs-models-and-pricing.md"),  # prices detached from any table
        ("cohere", "2025-10-15__cohere-com-pricing.jina.md"),  # prices detached from any table
    }
)
#: Read date for ``undated__`` captures (the day the other captures of that era were taken).
UNDATED_DAY = date(2025, 12, 20)
#: Above this (USD per MTok) a token rate is absurd, whatever the vendor (the pipeline's own ceiling).
#: Other units have no common scale: a dedicated instance can cost $65,000 a year.
CEILING = Decimal(2000)
#: OpenRouter's routers, priced ``"-1"`` by the API because the price depends on the route.
OPENROUTER_ROUTERS = ("openrouter/auto", "openrouter/bodybuilder")
VOCABULARY = frozenset(CORE_FIELDS + EXTRA_FIELDS + FLAG_FIELDS)
_MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9._:/~+@-]*$")


def _bundled_settings() -> Settings:
    """The bundled configuration only: a developer's RATECARD_CONFIG must not change the cases."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("RATECARD_CONFIG", raising=False)
        return load()


SETTINGS = _bundled_settings()


@dataclass(frozen=True)
class Case:
    """One capture of one vendor in one served shape."""

    vendor: str
    path: Path
    shape: str
    """``as captured``, ``api pages`` (Azure NDJSON) or ``api body`` (enveloped JSON)."""

    @property
    def id(self) -> str:
        return f"{self.vendor}/{self.path.name}[{self.shape}]"

    @property
    def refused(self) -> bool:
        return (self.vendor, self.path.name) in EXPECTED_REFUSALS

    @property
    def day(self) -> date:
        stamp = self.path.name.split("__", 1)[0]
        return UNDATED_DAY if stamp == "undated" else date.fromisoformat(stamp)


def _shapes(path: Path) -> list[str]:
    if path.suffix == ".ndjson":
        return ["api pages"]
    if path.suffix == ".json" and api_body(path) != path.read_bytes():
        return ["as captured", "api body"]
    return ["as captured"]


def all_cases() -> list[Case]:
    """Every file in every configured vendor's capture folder, in every shape it is served in."""
    root = bundled_dir()
    return [
        Case(vid, path, shape)
        for vid in sorted(SETTINGS.vendors)
        if (root / vid).is_dir()
        for path in sorted(p for p in (root / vid).iterdir() if p.is_file() and p.name != MANIFEST)
        for shape in _shapes(path)
    ]


CASES = all_cases()
READ = [c for c in CASES if not c.refused]
REFUSED = [c for c in CASES if c.refused]


def _api_page(items: object, url: str, next_link: str | None) -> bytes:
    """One Retail Prices API page, as ``prices.azure.com`` answers it."""
    doc = {
        "BillingCurrency": "USD",
        "CustomerEntityId": "Default",
        "CustomerEntityType": "Retail",
        "Items": items,
        "NextPageLink": next_link,
        "Count": len(items) if isinstance(items, list) else 0,
    }
    return json.dumps(doc).encode()


def fetches(case: Case) -> list[Fetched]:
    """What the spider would hand over for this capture: one ``Fetched`` per page."""
    url = SETTINGS.vendors[case.vendor].start_urls[0]
    at = datetime(case.day.year, case.day.month, case.day.day, 12, tzinfo=UTC)
    if case.shape == "api pages":
        pages = ndjson_pages(case.path)
        urls = [url] + [f"{url}&$skip={PAGE_SIZE * k}" for k in range(1, len(pages))]
        bodies = [
            _api_page(page["Items"], urls[k], urls[k + 1] if k + 1 < len(pages) else None)
            for k, page in enumerate(pages)
        ]
    elif case.shape == "api body":
        bodies, urls = [api_body(case.path)], [url]
    else:
        bodies, urls = [case.path.read_bytes()], [url]
    return [Fetched(case.vendor, u, 200, None, b, at) for u, b in zip(urls, bodies, strict=True)]


@cache
def sourced(case: Case) -> tuple[SourcedRate, ...]:
    """The capture's rates as the pipeline stamps them (cached: several tests read one parse)."""
    return tuple(parse_all(SETTINGS.vendors[case.vendor], fetches(case), case.day))


def _ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


# --- Every capture parses, or is one of the listed refusals. ---


def test_every_listed_refusal_is_a_bundled_capture() -> None:
    assert {(c.vendor, c.path.name) for c in REFUSED} == EXPECTED_REFUSALS


@pytest.mark.parametrize("case", REFUSED, ids=_ids(REFUSED))
def test_expected_refusal_is_a_parse_error_naming_the_vendor(case: Case) -> None:
    parser = get_parser(SETTINGS.vendors[case.vendor].parser)
    for f in fetches(case):
        assert f.body is not None
        with pytest.raises(ParseError, match=f"^{case.vendor}: ") as err:
            parser(f.body, f.url, f.fetched_at)
        assert err.value.vendor == case.vendor
    with pytest.raises(VendorFailure, match=f"^{case.vendor}: "):
        parse_all(SETTINGS.vendors[case.vendor], fetches(case), case.day)


@pytest.mark.parametrize("case", READ, ids=_ids(READ))
def test_capture_yields_priced_rates(case: Case) -> None:
    rates = sourced(case)
    assert any(s.rate.unit != "flag" and s.rate.value is not None for s in rates)
    assert {s.vendor for s in rates} == {case.vendor}


def test_every_read_capture_has_a_reviewed_golden() -> None:
    missing = [c.id for c in READ if not golden_path(c).exists()]
    assert missing == [], f"no golden for {missing}: run with {UPDATE_ENV}=1 and review the files"


@pytest.mark.parametrize("case", READ, ids=_ids(READ))
def test_capture_matches_its_golden(case: Case) -> None:
    """The whole parse, every shape the capture is served in, against one reviewed file."""
    check_golden([s.rate for s in sourced(case)], golden_path(case))


def golden_path(case: Case) -> Path:
    return GOLDEN_DIR / case.vendor / f"{case.path.name}.json"


# --- Provenance: the same stamping the pipeline uses. ---


@pytest.mark.parametrize("case", READ, ids=_ids(READ))
def test_every_rate_has_provenance(case: Case) -> None:
    pages = {f.url: f for f in fetches(case)}
    for s in sourced(case):
        page = pages[s.source_url]
        assert page.body is not None
        assert re.fullmatch(r"[0-9a-f]{64}", s.fetch_sha256)
        assert s.fetch_sha256 == sha256(page.body)
        assert s.fetched_at == page.fetched_at and s.fetched_at.tzinfo is not None
        fact = to_fact(SETTINGS.vendors[case.vendor], s)
        assert (fact.source_url, fact.fetch_sha256, fact.fetched_at) == (
            s.source_url,
            s.fetch_sha256,
            s.fetched_at,
        )


# --- Values: exact, in range, zero only when the vendor says free. ---


@pytest.mark.parametrize("case", READ, ids=_ids(READ))
def test_values_are_present_exactly_where_the_contract_says(case: Case) -> None:
    for s in sourced(case):
        r = s.rate
        if r.unit == "flag" or r.status == "not_offered":
            assert r.value is None, r
        else:
            assert isinstance(r.value, Decimal) and r.value.is_finite(), r
        if r.status != "verified":
            assert r.reason, f"{r} is {r.status} without a reason"


@pytest.mark.parametrize("case", READ, ids=_ids(READ))
def test_values_are_within_sane_bounds_in_usd(case: Case) -> None:
    vendor = SETTINGS.vendors[case.vendor]
    for s in sourced(case):
        usd = to_fact(vendor, s).value  # converts published CNY and the like with the configured rate
        if usd is not None:
            assert Decimal(0) <= usd, s.rate
            assert usd <= CEILING or s.rate.unit != "usd_per_mtok", s.rate


@pytest.mark.parametrize("case", READ, ids=_ids(READ))
def test_zero_only_for_models_listed_as_free(case: Case) -> None:
    free = {s.rate.model for s in sourced(case) if s.rate.field == "free"}
    zero = {s.rate.model for s in sourced(case) if s.rate.value is not None and s.rate.value == 0}
    assert zero <= free, sorted(zero - free)


# --- Keys and vocabulary. ---


@pytest.mark.parametrize("case", READ, ids=_ids(READ))
def test_keys_are_unique_per_model_field_tier(case: Case) -> None:
    counts = Counter((*s.key, s.window) for s in sourced(case))
    assert [k for k, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("case", READ, ids=_ids(READ))
def test_fields_units_and_statuses_are_in_the_vocabulary(case: Case) -> None:
    for s in sourced(case):
        r = s.rate
        assert r.field in VOCABULARY, r
        assert r.unit in UNITS, r
        assert r.status in get_args(Status), r
        assert (r.unit == "flag") == (r.field in FLAG_FIELDS), r
        assert re.fullmatch(r"[A-Z]{3}", r.currency), r
        assert r.tier and r.tier == r.tier.strip() and " " not in r.tier, r


@pytest.mark.parametrize("case", READ, ids=_ids(READ))
def test_model_ids_are_canonical(case: Case) -> None:
    for model in {s.rate.model for s in sourced(case)}:
        assert _MODEL_ID.fullmatch(model), f"model id {model!r} is not lowercase without spaces"
        assert "deprecated" not in model, f"model id {model!r} carries a marker: make it a flag"


# --- Vendor-specific rules the contract names. ---

OPENROUTER = [c for c in READ if c.vendor == "openrouter"]


@pytest.mark.parametrize("case", OPENROUTER, ids=_ids(OPENROUTER))
def test_openrouter_routers_are_variable_priced_flags_only(case: Case) -> None:
    for router in OPENROUTER_ROUTERS:
        rows = [(s.rate.field, s.rate.unit, s.rate.value) for s in sourced(case) if s.rate.model == router]
        assert rows == [("variable_priced", "flag", None)], router


def test_every_shape_of_the_special_captures_is_covered() -> None:
    shapes = {(c.vendor, c.shape) for c in CASES}
    assert ("azure", "api pages") in shapes
    assert {("openrouter", "as captured"), ("openrouter", "api body")} <= shapes
