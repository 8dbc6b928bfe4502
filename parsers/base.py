"""The parser contract: bytes in, rates out, no I/O.

A vendor parser is a module in this package exposing

    VENDOR: str
    def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed

It raises :class:`ParseError` when the page does not hold what it expects; it never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation, localcontext
from typing import Literal

from ratecard import tiers
from ratecard.units import UNITS

TOKENS = "tokens"
#: The one vocabulary of fields across vendors, each with the quantity it counts (see
#: ``ratecard.units``): a field never means two quantities, so ``image_input`` is always image
#: *tokens* and a price per input image is ``image_analysis``. The unit may still scale the
#: quantity (``request`` per request or per 1,000 requests). Vendors that publish more add a
#: clearly named field here rather than drop what they publish.
FIELDS: dict[str, tuple[str, ...]] = {
    # tokens (usd_per_mtok)
    "input": (TOKENS,),
    "output": (TOKENS,),
    "cache_read": (TOKENS,),
    "cache_write_5m": (TOKENS,),
    "cache_write_1h": (TOKENS,),
    "batch_input": (TOKENS,),
    "batch_output": (TOKENS,),
    "cache_write": (TOKENS,),  # a single cache-write price where the vendor has no 5m/1h split
    "batch_cache_read": (TOKENS,),
    "batch_cache_write": (TOKENS,),
    "reasoning": (TOKENS,),
    "training": (TOKENS,),
    "image_input": (TOKENS,),
    "image_output": (TOKENS,),
    "image_cache_read": (TOKENS,),
    "batch_image_output": (TOKENS,),
    "audio_input": (TOKENS,),
    "audio_output": (TOKENS,),
    "audio_cache_read": (TOKENS,),
    "video_input": (TOKENS,),
    "video_output": (TOKENS,),
    "citation": (TOKENS,),  # citation tokens (Perplexity Deep Research)
    # storage of cached tokens over time (usd_per_mtok_hour)
    "cache_storage": ("token_hours",),
    "batch_cache_storage": ("token_hours",),
    # per call (usd_per_request, usd_per_1k_requests)
    "request": ("requests",),
    "web_search": ("requests",),
    "file_search": ("requests",),
    "maps_grounding": ("requests",),
    # per item generated or read
    "image_generation": ("images",),  # usd_per_image; size and quality are tier dimensions
    "batch_image_generation": ("images",),
    "image_analysis": ("images",),  # a price per input image (not per image token)
    "batch_image_analysis": ("images",),
    "video_generation": ("seconds",),  # usd_per_second; resolution is a tier dimension
    "transcription": ("minutes", "seconds"),
    "speech_generation": ("characters",),  # usd_per_mchars
    # tools, storage, time
    "code_execution": ("container_hours",),
    "code_container": ("containers",),
    "file_storage": ("gb_days",),
    "training_hours": ("hours",),
    "instance_hourly": ("instance_hours",),
    "instance_monthly": ("instance_months",),
    "instance_yearly": ("instance_years",),
    "neurons": ("neurons",),  # Cloudflare Workers AI's own unit
    "batch_image_input": (TOKENS,),
    "batch_image_cache_read": (TOKENS,),
    "batch_audio_input": (TOKENS,),
    "batch_audio_cache_read": (TOKENS,),
    "batch_audio_output": (TOKENS,),
    "batch_video_generation": ("seconds",),
    "batch_web_search": ("requests",),
    "batch_maps_grounding": ("requests",),
    "audio_duration": ("minutes", "seconds"),  # audio billed by length, the page not saying in or out
    "transcription_hours": ("hours",),  # speech-to-text priced per hour of audio
    "video_analysis": ("seconds",),  # a price per second of input video (not per video token)
    "audio_input_duration": ("minutes", "seconds"),  # audio input billed by its length, not tokens
    "web_fetch": ("requests",),  # a URL-fetch tool call (Perplexity's fetch_url), per invocation
    "session_runtime": ("hours",),  # an agent session's running time (Claude Managed Agents), usd_per_hour
}
CORE_FIELDS: tuple[str, ...] = (
    "input",
    "output",
    "cache_read",
    "cache_write_5m",
    "cache_write_1h",
    "batch_input",
    "batch_output",
)
EXTRA_FIELDS: tuple[str, ...] = tuple(f for f in FIELDS if f not in CORE_FIELDS)
#: Model attributes are stored as flag rows so they version like rates; they are not prices.
FLAG_FIELDS: tuple[str, ...] = (
    "deprecated",
    "retired",
    "legacy",
    "limited_availability",
    "variable_priced",
    "free",
    "free_allocation",  # a free quota (its size in ``reason``), not a price
)

Unit = str
"""A name from :data:`ratecard.units.UNITS` (checked by :func:`parsed`)."""
Status = Literal["verified", "inferred", "not_offered"]

MTOK = Decimal(1_000_000)


class ParseError(Exception):
    """A page could not be read as a price page. The message names the vendor."""

    def __init__(self, vendor: str, message: str) -> None:
        super().__init__(f"{vendor}: {message}")
        self.vendor = vendor


@dataclass(frozen=True, slots=True)
class ParsedRate:
    """One published price of one model, as the page states it."""

    model: str
    """Canonical, stable model id for this vendor (see each parser's ``model_id``)."""
    field: str
    """A name from CORE_FIELDS, EXTRA_FIELDS or FLAG_FIELDS."""
    value: Decimal | None
    """Amount in ``currency`` per ``unit``, exact; None for flags and not-offered markers."""
    unit: Unit = "usd_per_mtok"
    tier: str = tiers.STANDARD
    """Dimension key: service tier, context tier, region, deployment (e.g. ``context>200k``)."""
    status: Status = "verified"
    reason: str | None = None
    """Why a rate is inferred or not offered, in words a person can check."""
    currency: str = "USD"
    """Currency of ``value`` as published; the pipeline converts non-USD amounts (marked inferred)."""
    effective_from: datetime | None = None
    """When the page says this price took effect; of two pages pricing one key, the later one wins."""
    valid_from: date | None = None
    """First day the page says this price applies (``starting March 1, 2026``); None: no bound."""
    valid_until: date | None = None
    """First day it no longer applies (``through August 31, 2026`` -> September 1); None: no bound.

    One page may price a key twice when the windows do not overlap: a price "through" a day and
    its successor "starting" the next. The pipeline keeps a future price as scheduled."""

    def overlaps(self, other: ParsedRate) -> bool:
        """Whether the two validity windows share a day (an unbounded side overlaps everything)."""
        start = max(self.valid_from or date.min, other.valid_from or date.min)
        end = min(self.valid_until or date.max, other.valid_until or date.max)
        return start < end


@dataclass(frozen=True, slots=True)
class Parsed:
    """All a parser read from one fetched document."""

    vendor: str
    rates: tuple[ParsedRate, ...]
    display_names: Mapping[str, str] = field(default_factory=dict)
    """Canonical id -> the name the page used, for people reading the output."""
    notes: tuple[str, ...] = ()
    """What the page published that the parser did not store (never prices it guessed)."""

    @property
    def models(self) -> frozenset[str]:
        return frozenset(r.model for r in self.rates)


def parsed(
    vendor: str,
    rates: Iterable[ParsedRate],
    names: Mapping[str, str] | None = None,
    notes: Iterable[str] = (),
) -> Parsed:
    """Build a :class:`Parsed`, refusing duplicate (model, field, tier) keys and bad values."""
    out = tuple(rates)
    seen: dict[tuple[str, str, str], list[ParsedRate]] = {}
    for r in out:
        key = (r.model, r.field, r.tier)
        if any(r.overlaps(other) for other in seen.get(key, [])):
            raise ParseError(vendor, f"duplicate rate {key}: the page layout is ambiguous")
        seen.setdefault(key, []).append(r)
        if r.unit not in UNITS:
            raise ParseError(vendor, f"unknown unit {r.unit!r} for {key}")
        if r.field in FIELDS and UNITS[r.unit].quantity not in FIELDS[r.field]:
            raise ParseError(vendor, f"{key}: {r.field} counts {FIELDS[r.field]}, not {r.unit}")
        if r.valid_from and r.valid_until and r.valid_from >= r.valid_until:
            raise ParseError(vendor, f"{key} is valid from {r.valid_from} until {r.valid_until}: no day")
        if r.value is not None and r.value < 0:
            raise ParseError(vendor, f"negative price {r.value} for {key}")
    return Parsed(vendor=vendor, rates=out, display_names=dict(names or {}), notes=tuple(notes))


_MONEY = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?|[-+]?\.\d+")


def money(text: str) -> Decimal:
    """Read an amount such as ``\\$1.50 / MTok``, ``$0.028``, ``1,000`` exactly."""
    cleaned = text.replace("\\$", "$")
    m = _MONEY.search(cleaned)
    if m is None:
        raise ValueError(f"no amount in {text!r}")
    try:
        return normalize(Decimal(m.group(0).replace(",", "")))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
        raise ValueError(f"bad amount in {text!r}") from exc


def per_token_to_mtok(value: str | Decimal) -> Decimal:
    """Convert a per-token price string (``"0.000000075"``) to an exact per-MTok Decimal."""
    with localcontext() as ctx:
        ctx.prec = 60
        return normalize(Decimal(value) * MTOK)


def normalize(value: Decimal) -> Decimal:
    """Canonical form without exponent noise: ``Decimal('0.0750')`` -> ``Decimal('0.075')``."""
    if value == 0:
        return Decimal(0)
    with localcontext() as ctx:  # never round: keep every digit the page gave
        ctx.prec = max(28, len(value.as_tuple().digits))
        n = value.normalize()
    exp = n.as_tuple().exponent
    if isinstance(exp, int) and exp > 0:
        return Decimal(int(n))
    return n


@dataclass(frozen=True, slots=True)
class SourcedRate:
    """A parsed rate with its provenance: where and when it was read."""

    vendor: str
    rate: ParsedRate
    source_url: str
    fetch_sha256: str
    fetched_at: datetime
    also: ParsedRate | None = None
    """The same price published in another currency (MiniMax's CNY page beside its USD page)."""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rate.model, self.rate.field, self.rate.tier)

    @property
    def window(self) -> tuple[date | None, date | None]:
        return (self.rate.valid_from, self.rate.valid_until)
