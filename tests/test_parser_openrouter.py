"""OpenRouter parser: two captures of /api/v1/models, exact per-token conversion, routers, refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from golden import GOLDEN_DIR, check_golden

from ratecard.parsers.base import Parsed, ParsedRate, ParseError
from ratecard.parsers.openrouter import VENDOR, model_id, parse
from ratecard.replay import api_body

URL = "https://openrouter.ai/api/v1/models"
CAPTURES = files("ratecard") / "captures" / VENDOR
DEC29 = "2025-12-29__openrouter-api-v1-models.json"
JAN24 = "2026-01-24__openrouter-api-v1-models.json"
CAPTURE_NAMES = sorted(p.name for p in CAPTURES.iterdir() if p.is_file())
ROUTERS = ("openrouter/auto", "openrouter/bodybuilder")
WHEN = datetime(2025, 12, 29, tzinfo=UTC)


def _fetched(name: str) -> datetime:
    return datetime.fromisoformat(name.split("__")[0]).replace(tzinfo=UTC)


def _parse_capture(name: str) -> Parsed:
    return parse((CAPTURES / name).read_bytes(), URL, _fetched(name))


def _parse_models(*models: dict[str, Any]) -> Parsed:
    return parse(json.dumps({"data": list(models)}).encode(), URL, WHEN)


def _rate(result: Parsed, model: str, fld: str) -> ParsedRate:
    (rate,) = [r for r in result.rates if r.model == model and r.field == fld]
    return rate


def _fields(result: Parsed, model: str) -> dict[str, Decimal | None]:
    return {r.field: r.value for r in result.rates if r.model == model}


@pytest.mark.parametrize("name", CAPTURE_NAMES)
def test_capture_matches_golden(name: str) -> None:
    check_golden(_parse_capture(name), GOLDEN_DIR / VENDOR / f"{name}.json")


def test_two_captures_are_bundled() -> None:
    assert {DEC29, JAN24} <= set(CAPTURE_NAMES)


@pytest.mark.parametrize("name", CAPTURE_NAMES)
def test_api_shape_reads_the_same_as_the_scraper_envelope(name: str) -> None:
    path = Path(str(CAPTURES / name))
    served = parse(api_body(path), URL, _fetched(name))
    assert "api_url" not in json.loads(api_body(path))
    assert served == _parse_capture(name)


def test_per_token_prices_become_exact_per_mtok() -> None:
    result = _parse_capture(DEC29)
    # Line 29: "prompt": "0.000000075" (bytedance-seed/seed-1.6-flash, entry at line 8).
    rate = _rate(result, "bytedance-seed/seed-1.6-flash", "input")
    assert rate.value == Decimal("0.075") and str(rate.value) == "0.075"
    assert rate.value.as_tuple() == Decimal("0.075").as_tuple()
    assert rate.unit == "usd_per_mtok"
    # Line 30: "completion": "0.0000003"
    assert str(_rate(result, "bytedance-seed/seed-1.6-flash", "output").value) == "0.3"


def test_values_checked_by_hand_dec29() -> None:
    result = _parse_capture(DEC29)
    # anthropic/claude-sonnet-4.5 (entry at line 3995), pricing lines 4016-4023.
    assert _fields(result, "anthropic/claude-sonnet-4.5") == {
        "input": Decimal("3"),  # 4016 "prompt": "0.000003"
        "output": Decimal("15"),  # 4017 "completion": "0.000015"
        "cache_read": Decimal("0.3"),  # 4022 "input_cache_read": "0.0000003"
        "cache_write": Decimal("3.75"),  # 4023 "input_cache_write": "0.00000375"
    }  # 4018-4021 request/image/web_search/internal_reasoning "0": not charged, not stored
    # Line 2594: "request": "0.018" (perplexity/sonar-pro-search): a per-request fee, not per token.
    request = _rate(result, "perplexity/sonar-pro-search", "request")
    assert (request.value, request.unit) == (Decimal("0.018"), "usd_per_request")
    # Line 2010: "image": "0.067" (google/gemini-3-pro-image-preview), per image.
    image = _rate(result, "google/gemini-3-pro-image-preview", "image_input")
    assert (image.value, image.unit) == (Decimal("0.067"), "usd_per_image")
    # Line 563: "web_search": "0.01" (openai/gpt-5.2-chat), per search request.
    search = _rate(result, "openai/gpt-5.2-chat", "web_search")
    assert (search.value, search.unit) == (Decimal("0.01"), "usd_per_request")
    # Line 250: "audio": "0.000001" (google/gemini-3-flash-preview), per audio token.
    assert _rate(result, "google/gemini-3-flash-preview", "audio_input").value == Decimal("1")
    # Line 11876: "internal_reasoning": "0.000003" (perplexity/sonar-deep-research).
    assert _rate(result, "perplexity/sonar-deep-research", "reasoning").value == Decimal("3")


def test_values_checked_by_hand_jan24() -> None:
    # anthropic/claude-opus-4.5 (entry at line 2353), pricing lines 2374-2378.
    assert _fields(_parse_capture(JAN24), "anthropic/claude-opus-4.5") == {
        "input": Decimal("5"),  # 2374 "prompt": "0.000005"
        "output": Decimal("25"),  # 2375 "completion": "0.000025"
        "web_search": Decimal("0.01"),  # 2376 "web_search": "0.01"
        "cache_read": Decimal("0.5"),  # 2377 "input_cache_read": "0.0000005"
        "cache_write": Decimal("6.25"),  # 2378 "input_cache_write": "0.00000625"
    }


@pytest.mark.parametrize("name", CAPTURE_NAMES)
def test_routers_are_variable_priced_never_negative(name: str) -> None:
    result = _parse_capture(name)
    # Dec 29 lines 1011 and 17382: "pricing": {"prompt": "-1", "completion": "-1"}.
    for router in ROUTERS:
        (flag,) = [r for r in result.rates if r.model == router]
        assert (flag.field, flag.value, flag.unit) == ("variable_priced", None, "flag")
    assert all(r.value is None or r.value >= 0 for r in result.rates)


def test_free_variant_is_flagged_with_zero_token_prices() -> None:
    result = _parse_capture(DEC29)
    # Line 324: "allenai/olmo-3.1-32b-think:free", lines 343-347 all "0".
    assert _fields(result, "allenai/olmo-3.1-32b-think:free") == {
        "free": None,
        "input": Decimal(0),
        "output": Decimal(0),
    }
    free = {r.model for r in result.rates if r.field == "free"}
    assert len(free) == 35 and all(m.endswith(":free") for m in free)


def test_model_counts_match_the_envelope() -> None:
    for name, count in ((DEC29, 353), (JAN24, 346)):  # "model_count" in each capture's envelope
        result = _parse_capture(name)
        assert len(result.models) == count
        assert len(result.display_names) == count


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("anthropic/claude-sonnet-4.5", "anthropic/claude-sonnet-4.5"),
        ("Qwen/Qwen3-235B-A22B:free", "qwen/qwen3-235b-a22b:free"),
        (" openrouter/auto ", "openrouter/auto"),
    ],
)
def test_model_id_is_openrouters_id_lowercased(raw: str, expected: str) -> None:
    assert model_id(raw) == expected


def test_zero_prompt_and_completion_without_free_suffix_is_free() -> None:
    result = _parse_models({"id": "x/y", "pricing": {"prompt": "0", "completion": "0", "request": "0"}})
    assert _fields(result, "x/y") == {"free": None, "input": Decimal(0), "output": Decimal(0)}


# --- Mangled bodies: refused with the vendor named. ---


def test_truncated_json_is_refused() -> None:
    body = (CAPTURES / DEC29).read_bytes()
    with pytest.raises(ParseError, match=f"^openrouter: {URL} is not valid JSON"):
        parse(body[: len(body) // 2], URL, WHEN)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"data": []}', "no model list found"),
        (b'{"models": [{"id": "a/b"}]}', "no model list found"),
        (b"[]", "no model list found"),
        (b'{"data": [{"name": "A"}]}', "model entry without an id"),
        (b'{"data": [{"id": "a/b"}]}', "expected pricing.prompt and pricing.completion"),
        (b'{"data": [{"id": "a/b", "pricing": {"prompt": "0.1"}}]}', "expected pricing.prompt"),
        (b'{"data": [{"id": "a/b", "pricing": {"prompt": "abc", "completion": "0"}}]}', "not a number"),
        (b'{"data": [{"id": "a/b", "pricing": {"prompt": "NaN", "completion": "0"}}]}', "not a finite"),
        (b'{"data": [{"id": "a/b", "pricing": {"prompt": "Infinity", "completion": "0"}}]}', "finite"),
        (b'{"data": [{"id": "a/b", "pricing": {"prompt": "-0.5", "completion": "0"}}]}', "negative price"),
        (b'{"data": [{"id": "a/b", "pricing": {"prompt": "-1", "completion": "0.1"}}]}', "negative price"),
    ],
    ids=[
        "empty-list",
        "other-key",
        "bare-list",
        "no-id",
        "no-pricing",
        "no-completion",
        "not-a-number",
        "nan",
        "infinity",
        "negative",
        "half-router",
    ],
)
def test_malformed_body_is_refused(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=r"^openrouter: ") as err:
        parse(body, URL, WHEN)
    assert err.value.vendor == VENDOR
    assert message in str(err.value)


def test_duplicate_model_is_refused() -> None:
    entry = {"id": "a/b", "pricing": {"prompt": "0.000001", "completion": "0.000002"}}
    with pytest.raises(ParseError, match="openrouter: duplicate rate"):
        _parse_models(entry, entry)
