"""The rates of one day as a fragment of LiteLLM's ``model_prices_and_context_window.json``.

LiteLLM wants JSON floats in its own units (USD per token, per character, per second): this is
the one place our Decimals become floats, each the float nearest the exact amount. Keys and
``litellm_provider`` come from the vendor's configured registry prefix and provider
(``anthropic`` -> ``claude-sonnet-4-5``, ``openrouter`` -> ``openrouter/anthropic/claude-sonnet-4.5``).
Where the latest cross-check matched one of our models to a different LiteLLM key
(``claude-3-5-haiku`` -> ``claude-3-5-haiku-20241022``) the entry is written under that key too,
so merging the fragment overrides LiteLLM's own entry. Each entry's ``ratecard_status`` gives
every price field's status (``verified``, or ``inferred``/``stale`` with the reason).

Rates in other units go to LiteLLM's keys for them (:data:`UNIT_FIELDS`): an image size and
quality becomes LiteLLM's sized key (``high/1024-x-1024/gpt-image-1``), a search context size a
member of ``search_context_cost_per_query``. :func:`unexported` names every rate LiteLLM has no
key for, with why, so nobody mistakes a missing rate for a free one.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ratecard import tiers
from ratecard.config.settings import VendorConfig
from ratecard.registry.crosscheck import REGISTRY_FIELD_FOR
from ratecard.registry.litellm import NAME
from ratecard.registry.patch import litellm_field, per_token
from ratecard.rows import CheckRow, PriceRow

MODE = "chat"
SEARCH_SIZES = ("low", "medium", "high")
"""LiteLLM's ``search_context_cost_per_query`` members, ``search_context_size_<size>``."""
SEARCH = "search_context_cost_per_query"

#: (our field, our unit) -> (LiteLLM's field, how many of our unit one of LiteLLM's is).
UNIT_FIELDS: dict[tuple[str, str], tuple[str, Decimal]] = {
    ("image_input", "usd_per_mtok"): ("input_cost_per_image_token", Decimal("1e-6")),
    ("image_output", "usd_per_mtok"): ("output_cost_per_image_token", Decimal("1e-6")),
    ("image_cache_read", "usd_per_mtok"): ("cache_read_input_image_token_cost", Decimal("1e-6")),
    ("audio_input", "usd_per_mtok"): ("input_cost_per_audio_token", Decimal("1e-6")),
    ("audio_output", "usd_per_mtok"): ("output_cost_per_audio_token", Decimal("1e-6")),
    ("audio_cache_read", "usd_per_mtok"): ("cache_read_input_audio_token_cost", Decimal("1e-6")),
    ("video_input", "usd_per_mtok"): ("input_cost_per_video_token", Decimal("1e-6")),
    ("reasoning", "usd_per_mtok"): ("output_cost_per_reasoning_token", Decimal("1e-6")),
    ("image_generation", "usd_per_image"): ("output_cost_per_image", Decimal(1)),
    ("image_analysis", "usd_per_image"): ("input_cost_per_image", Decimal(1)),
    ("video_generation", "usd_per_second"): ("output_cost_per_video_per_second", Decimal(1)),
    ("video_analysis", "usd_per_second"): ("input_cost_per_video_per_second", Decimal(1)),
    ("transcription", "usd_per_minute"): ("input_cost_per_second", Decimal(1) / 60),
    ("transcription", "usd_per_second"): ("input_cost_per_second", Decimal(1)),
    ("transcription_hours", "usd_per_hour"): ("input_cost_per_second", Decimal(1) / 3600),
    ("audio_input_duration", "usd_per_minute"): ("input_cost_per_audio_per_second", Decimal(1) / 60),
    ("audio_input_duration", "usd_per_second"): ("input_cost_per_audio_per_second", Decimal(1)),
    ("speech_generation", "usd_per_mchars"): ("input_cost_per_character", Decimal("1e-6")),
    ("request", "usd_per_request"): ("input_cost_per_request", Decimal(1)),
    ("request", "usd_per_1k_requests"): ("input_cost_per_request", Decimal("1e-3")),
    ("web_search", "usd_per_request"): (SEARCH, Decimal(1)),
    ("web_search", "usd_per_1k_requests"): (SEARCH, Decimal("1e-3")),
    ("maps_grounding", "usd_per_request"): ("google_maps_grounding_cost_per_query", Decimal(1)),
    ("maps_grounding", "usd_per_1k_requests"): ("google_maps_grounding_cost_per_query", Decimal("1e-3")),
    ("file_search", "usd_per_1k_requests"): ("file_search_cost_per_1k_calls", Decimal(1)),
    ("code_container", "usd_per_container"): ("code_interpreter_cost_per_session", Decimal(1)),
}
#: A model's LiteLLM ``mode`` from the fields that make it what it is (else :data:`MODE`).
MODES: dict[str, str] = {
    "image_generation": "image_generation",
    "video_generation": "video_generation",
    "speech_generation": "audio_speech",
    "transcription": "audio_transcription",
    "transcription_hours": "audio_transcription",
}
TOOL_FIELDS = frozenset(
    {"web_search", "file_search", "file_storage", "code_container", "code_execution", "request"}
    | {"maps_grounding", "web_fetch"}
)
"""Per-call and tool fees: LiteLLM holds them on a model's entry, never as an entry of their own."""
TOOL_ONLY = "a tool's price: LiteLLM holds tool fees on the models that call them"
_SUFFIXED = frozenset({"input", "output", "cache_read", "cache_write_5m"})
"""The fields LiteLLM also prices per batch and service tier."""
_SIZE = re.compile(r"^(?P<w>\d+)x(?P<h>\d+)$")
_IMAGE_RES = re.compile(r"^(?P<n>\d+)k$")
_VIDEO_RES = re.compile(r"^\d+p$")


@dataclass(frozen=True, slots=True)
class Slot:
    """Where one rate goes in LiteLLM's map, or why it has no place there."""

    name: str
    """LiteLLM's field; empty when the rate has no place."""
    factor: Decimal = Decimal(1)
    key_prefix: str = ""
    """Put before the model's key: LiteLLM's sized image keys (``high/1024-x-1024/``)."""
    member: str | None = None
    """The member of a field whose value is an object (``search_context_size_low``)."""
    primary: bool = True
    """False for a rate another rate of the model overrides (a flat search fee beside sized ones)."""
    why_not: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}.{self.member}" if self.member else self.name


def nowhere(why: str) -> Slot:
    return Slot("", why_not=why)


def _dims(tier: str) -> dict[str, str] | None:
    try:
        return tiers.parse(tier)
    except ValueError:
        return None


def token_field(field: str, dims: Mapping[str, str]) -> str | None:
    """LiteLLM's per-token field for a field in a tier: a context bound (``_above_200k_tokens``),
    then batch or service (``_batches``, ``_flex``, ``_priority``), as LiteLLM composes them."""
    rest = dict(dims)
    suffix = ""
    if field.startswith("batch_"):
        field, suffix = field.removeprefix("batch_"), "_batches"
    service = rest.pop("service", None)
    if service is not None:
        if suffix or service not in ("flex", "priority"):
            return None
        suffix = f"_{service}"
    bound = rest.pop("context", None)
    if rest or (suffix and REGISTRY_FIELD_FOR.get(field, field) not in _SUFFIXED):
        return None
    return (base := litellm_field(field, f"context{bound}" if bound else tiers.STANDARD)) and base + suffix


def _image_slot(name: str, factor: Decimal, dims: Mapping[str, str]) -> Slot:
    """A per-image price by size and quality: LiteLLM's sized key, or its ``_4K`` suffix."""
    res = _IMAGE_RES.match(dims.get("resolution", ""))
    if set(dims) == {"resolution"} and res and name == "output_cost_per_image":
        return Slot(f"{name}_{res['n']}K", factor)
    size = _SIZE.match(dims.get("size", ""))
    if size and set(dims) <= {"size", "quality"}:
        quality = f"{dims['quality']}/" if "quality" in dims else ""
        # LiteLLM's sized keys hold a generated image's price as input_cost_per_image
        return Slot("input_cost_per_image", factor, f"{quality}{size['w']}-x-{size['h']}/")
    return nowhere(f"LiteLLM has no key for images by {', '.join(sorted(dims))}")


def slot(row: PriceRow) -> Slot:
    """Where LiteLLM's map holds a price row (``Slot.name`` empty, with ``why_not``, when nowhere)."""
    if row.value is None or row.status == "not_offered":
        return nowhere("not offered")
    dims = _dims(row.tier)
    if dims is None:
        return nowhere(f"unreadable tier {row.tier!r}")
    if row.unit == "usd_per_mtok" and (core := token_field(row.field, dims)):
        return Slot(core, Decimal("1e-6"), primary=row.field not in REGISTRY_FIELD_FOR)
    found = UNIT_FIELDS.get((row.field, row.unit))
    if found is None:
        if dims and row.unit == "usd_per_mtok" and token_field(row.field, {}):
            return nowhere(f"LiteLLM has no key for {row.field} by {', '.join(sorted(dims))}")
        return nowhere(f"LiteLLM has no key for {row.field} in {row.unit}")
    name, factor = found
    if not dims:
        if name == SEARCH:
            return Slot(name, factor, member="*", primary=row.field != "web_search")
        return Slot(name, factor)
    if name in ("output_cost_per_image", "input_cost_per_image"):
        return _image_slot(name, factor, dims)
    video = name == "output_cost_per_video_per_second" and set(dims) == {"resolution"}
    if video and _VIDEO_RES.match(dims["resolution"]):
        return Slot(f"output_cost_per_second_{dims['resolution']}", factor)
    sized = name in (SEARCH, "input_cost_per_request") and set(dims) == {"search_context"}
    if sized and dims["search_context"] in SEARCH_SIZES:
        return Slot(SEARCH, factor, member=f"search_context_size_{dims['search_context']}")
    return nowhere(f"LiteLLM has no key for {row.field} by {', '.join(sorted(dims))}")


def field_name(row: PriceRow) -> str | None:
    """LiteLLM's field for a price row, or None when LiteLLM cannot hold it."""
    return slot(row).name or None


def litellm_key(vendor: str, model: str, config: VendorConfig | None) -> tuple[str, str]:
    """(LiteLLM key, ``litellm_provider``) of one of our models, from the vendor's config."""
    if config is None:
        return f"{vendor}/{model}", vendor
    provider = config.registry_providers[0] if config.registry_providers else vendor
    prefix = config.registry_prefixes[0] if config.registry_prefixes else ""
    return prefix + model, provider


def status_text(row: PriceRow) -> str:
    """``verified``, or the status and why: ``inferred: cache_read = 0.1 × input: ...`` (``stale``
    when not re-verified lately)."""
    status = "stale" if row.stale and row.status == "verified" else str(row.status)
    return f"{status}: {row.reason}" if status != "verified" and row.reason else status


def matched_keys(checks: Iterable[CheckRow]) -> dict[tuple[str, str], set[str]]:
    """(vendor, model) -> the LiteLLM keys cross-check results matched it to."""
    out: dict[tuple[str, str], set[str]] = {}
    for c in checks:
        if c.registry_name == NAME and c.registry_key:
            out.setdefault((c.vendor, c.model), set()).add(c.registry_key)
    return out


def aliases(
    keys: Mapping[tuple[str, str], str], matched: Mapping[tuple[str, str], Collection[str]]
) -> dict[str, str]:
    """Matched LiteLLM key -> our key it repeats; a key that is another entry's own, or that two of
    our models matched, is left out rather than guessed."""
    claims: dict[str, set[str]] = {}
    for model, key in keys.items():
        for alias in matched.get(model, ()):
            claims.setdefault(alias, set()).add(key)
    own = set(keys.values())
    return {alias: next(iter(k)) for alias, k in sorted(claims.items()) if len(k) == 1 and alias not in own}


def number(row: PriceRow, where: Slot) -> float:
    """The float LiteLLM holds for a row's exact value in its own unit."""
    value = row.value or Decimal(0)
    if where.factor == Decimal("1e-6"):
        return float(per_token(value))
    return float(value * where.factor)


Placed = dict[str, tuple[Slot, PriceRow]]
"""LiteLLM field (or ``field.member``) -> the rate written there."""


def entry(provider: str, placed: Placed) -> dict[str, Any]:
    """One LiteLLM entry from the rates placed in it."""
    out: dict[str, Any] = {"litellm_provider": provider, "mode": mode(r.field for _, r in placed.values())}
    for label, (where, row) in sorted(placed.items()):
        if where.member is None:
            out[label] = number(row, where)
    members = {w.member: number(r, w) for w, r in placed.values() if w.member and w.member != "*"}
    flat = [(w, r) for w, r in placed.values() if w.member == "*"]
    if members or flat:
        everywhere = {f"search_context_size_{s}": number(r, w) for w, r in flat for s in SEARCH_SIZES}
        out[SEARCH] = everywhere | members  # a price by size beats the flat fee
    out["source"] = next(iter(placed.values()))[1].source_url
    out["ratecard_status"] = {label: status_text(row) for label, (_, row) in sorted(placed.items())}
    return out


def mode(fields: Iterable[str]) -> str:
    """LiteLLM's ``mode`` for a model with these fields: what it generates, else chat."""
    found = {MODES[f] for f in fields if f in MODES}
    return next(iter(found)) if len(found) == 1 else MODE


def place(model: Placed, where: Slot, row: PriceRow) -> None:
    """Put a rate in its field unless a primary rate is there already."""
    held = model.get(where.label)
    if held is None or (where.primary and not held[0].primary):
        model[where.label] = (where, row)


def fragment(
    rows: Sequence[PriceRow],
    vendors: Mapping[str, VendorConfig],
    matched: Mapping[tuple[str, str], Collection[str]] | None = None,
) -> dict[str, dict[str, Any]]:
    """``{key: {litellm_provider, mode, *_cost_*..., source, ratecard_status}}`` for each model
    priced, repeated under the LiteLLM key ``matched`` names for it when that differs."""
    models: dict[tuple[str, str], Placed] = {}
    keys: dict[tuple[str, str], str] = {}
    owners: dict[str, str] = {}
    real = priced_models(rows)
    for row in rows:
        where = slot(row)
        if not where.name or (row.vendor, row.model) not in real:
            continue
        key, provider = litellm_key(row.vendor, row.model, vendors.get(row.vendor))
        owner = owners.setdefault(key, row.vendor)
        if owner != row.vendor:
            raise ValueError(
                f"LiteLLM key {key!r} is both {owner}'s and {row.vendor}'s: "
                "give the vendors distinct registry_prefixes"
            )
        if not where.key_prefix:
            keys[row.vendor, row.model] = key
        sized = _sized_key(key, where.key_prefix, vendors.get(row.vendor))
        place(models.setdefault((sized, provider), {}), where, row)
    extra = aliases(keys, matched or {})
    out: dict[str, dict[str, Any]] = {}
    for (key, provider), placed in models.items():
        out[key] = entry(provider, placed)
        out |= {alias: dict(out[key]) for alias, ours in extra.items() if ours == key}
    return out


def priced_models(rows: Iterable[PriceRow]) -> set[tuple[str, str]]:
    """(vendor, model) of the models with a price of their own, not only tool fees (``web-search``
    holds a vendor's search fee: LiteLLM has no model by that name)."""
    return {(r.vendor, r.model) for r in rows if r.field not in TOOL_FIELDS and slot(r).name}


def _sized_key(key: str, sized: str, config: VendorConfig | None) -> str:
    """``high/1024-x-1024/`` before the model, after the provider's prefix (LiteLLM looks up
    ``openrouter/high/1024-x-1024/openai/gpt-image-1`` provider first)."""
    if not sized:
        return key
    prefix = config.registry_prefixes[0] if config and config.registry_prefixes else ""
    return prefix + sized + key.removeprefix(prefix)


def unexported(rows: Sequence[PriceRow]) -> list[tuple[PriceRow, str]]:
    """The offered rates LiteLLM has no key for, each with why."""
    real = priced_models(rows)
    out = []
    for r in rows:
        if r.status == "not_offered" or r.value is None:
            continue
        where = slot(r)
        if not where.name:
            out.append((r, where.why_not))
        elif (r.vendor, r.model) not in real:
            out.append((r, TOOL_ONLY))
    return out
