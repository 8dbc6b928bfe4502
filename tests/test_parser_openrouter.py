"""OpenRouter parser: two captures of /api/v1/models, exact per-token conversion, routers, refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from golden import rate_of

from ratecard.capture_server import api_body
from ratecard.parsers.base import Parsed, ParseError
from ratecard.parsers.openrouter import VENDOR, model_id, parse, unmapped_keys

URL = "https://openrouter.ai/api/v1/models"
CAPTURES = files("ratecard") / "captures" / VENDOR
DEC29 = "2025-12-29__openrouter-api-v1-models.json"
JAN24 = "2026-01-24__openrouter-api-v1-models.json"
CAPTURE_NAMES = sorted(
    p.name for p in CAPTURES.iterdir() if p.is_file() and p.name != "SOURCES.tsv"
)  # not the manifest
ROUTERS = ("openrouter/auto", "openrouter/bodybuilder")
WHEN = datetime(2025, 12, 29, tzinfo=UTC)


def _fetched(name: str) -> datetime:
    return datetime.fromisoformat(name.split("__")[0]).replace(tzinfo=UTC)


def _parse_capture(name: str) -> Parsed:
    return parse((CAPTURES / name).read_bytes(), URL, _fetched(name))


def _parse_models(*models: dict[str, Any]) -> Parsed:
    return parse(json.dumps({"data": list(models)}).encode(), URL, WHEN)


def _fields(result: Parsed, model: str) -> dict[str, Decimal | None]:
    return {r.field: r.value for r in result.rates if r.model == model}


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
    rate = rate_of(result, "bytedance-seed/seed-1.6-flash", "input")
    assert rate.value == Decimal("0.075") and str(rate.value) == "0.075"
    assert rate.value.as_tuple() == Decimal("0.075").as_tuple()
    assert rate.unit == "usd_per_mtok"
    # Line 30: "completion": "0.0000003"
    assert str(rate_of(result, "bytedance-seed/seed-1.6-flash", "output").value) == "0.3"


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
    request = rate_of(result, "perplexity/sonar-pro-search", "request")
    assert (request.value, request.unit) == (Decimal("0.018"), "usd_per_request")
    # Line 2010: "image": "0.067" (google/gemini-3-pro-image-preview), per image.
    image = rate_of(result, "google/gemini-3-pro-image-preview", "image_analysis")
    assert (image.value, image.unit) == (Decimal("0.067"), "usd_per_image")
    # Line 563: "web_search": "0.01" (openai/gpt-5.2-chat), per search request.
    search = rate_of(result, "openai/gpt-5.2-chat", "web_search")
    assert (search.value, search.unit) == (Decimal("0.01"), "usd_per_request")
    # Line 250: "audio": "0.000001" (google/gemini-3-flash-preview), per audio token.
    assert rate_of(result, "google/gemini-3-flash-preview", "audio_input").value == Decimal("1")
    # Line 11876: "internal_reasoning": "0.000003" (perplexity/sonar-deep-research).
    assert rate_of(result, "perplexity/sonar-deep-research", "reasoning").value == Decimal("3")


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


# --- Later shapes of /api/v1/models (OpenRouter's PublicPricing / PricingOverride schemas, 2026). ---


def _tiers(result: Parsed, model: str) -> dict[tuple[str, str], tuple[Decimal | None, str]]:
    return {(r.field, r.tier): (r.value, r.unit) for r in result.rates if r.model == model}


def test_later_pricing_keys_are_mapped() -> None:
    result = _parse_models(
        {
            "id": "openai/gpt-5.6-sol",
            "pricing": {
                "prompt": "0.000005",
                "completion": "0.00003",
                "image_output": "0.00004",  # per output image token: $40/MTok
                "input_audio_cache": "0.0000003",
                "audio_output": "0.000002",
                "input_audio": "0.000004",
                "discount": 0,
            },
        }
    )
    assert _tiers(result, "openai/gpt-5.6-sol") == {
        ("input", "standard"): (Decimal(5), "usd_per_mtok"),
        ("output", "standard"): (Decimal(30), "usd_per_mtok"),
        ("image_output", "standard"): (Decimal(40), "usd_per_mtok"),
        ("audio_cache_read", "standard"): (Decimal("0.3"), "usd_per_mtok"),
        ("audio_output", "standard"): (Decimal(2), "usd_per_mtok"),
        ("audio_input", "standard"): (Decimal(4), "usd_per_mtok"),
    }


def test_cache_write_beside_a_one_hour_write_is_the_five_minute_rate() -> None:
    # As anthropic/claude-opus-4.8 in a mid-2026 capture: "input_cache_write": "0.00000625",
    # "input_cache_write_1h": "0.00001"; OpenRouter documents the former as the 5-minute rate.
    pricing = {
        "prompt": "0.000005",
        "completion": "0.000025",
        "input_cache_read": "0.0000005",
        "input_cache_write": "0.00000625",
        "input_cache_write_1h": "0.00001",
    }
    fields = _fields(
        _parse_models({"id": "anthropic/claude-opus-4.8", "pricing": pricing}), "anthropic/claude-opus-4.8"
    )
    assert fields == {
        "input": Decimal(5),
        "output": Decimal(25),
        "cache_read": Decimal("0.5"),
        "cache_write_5m": Decimal("6.25"),
        "cache_write_1h": Decimal(10),
    }


def test_null_and_empty_prices_are_absent() -> None:
    pricing = {"prompt": "0.000001", "completion": "0.000002", "audio_output": None, "image": ""}
    assert _fields(_parse_models({"id": "a/b", "pricing": pricing}), "a/b") == {
        "input": Decimal(1),
        "output": Decimal(2),
    }


def test_prompt_size_overrides_become_context_tiers_later_entries_winning() -> None:
    pricing = {
        "prompt": "0.000003",
        "completion": "0.000015",
        "overrides": [
            {"min_prompt_tokens": 500000, "prompt": "0.000009", "completion": "0.00003"},
            {"min_prompt_tokens": 200000, "prompt": "0.000006", "completion": "0.0000225"},
            {"min_prompt_tokens": 500000, "input_cache_read": "0.0000012"},
        ],
    }
    tiers = _tiers(_parse_models({"id": "a/long", "pricing": pricing}), "a/long")
    assert tiers == {
        ("input", "standard"): (Decimal(3), "usd_per_mtok"),
        ("output", "standard"): (Decimal(15), "usd_per_mtok"),
        # Above 200k only the second entry applies.
        ("input", "context>200k"): (Decimal(6), "usd_per_mtok"),
        ("output", "context>200k"): (Decimal("22.5"), "usd_per_mtok"),
        # Above 500k all three apply, in order: the 200k entry, listed later, wins prompt/completion.
        ("input", "context>500k"): (Decimal(6), "usd_per_mtok"),
        ("output", "context>500k"): (Decimal("22.5"), "usd_per_mtok"),
        ("cache_read", "context>500k"): (Decimal("1.2"), "usd_per_mtok"),
    }


def test_time_window_overrides_are_not_modelled_but_reported() -> None:
    pricing = {
        "prompt": "0.000002",
        "completion": "0.000008",
        "overrides": [
            {"min_prompt_tokens": 200000, "prompt": "0.000004"},
            {"utc_start": 1630, "utc_end": 30, "utc_days": ["monday"], "prompt": "0.000001"},
        ],
    }
    body = json.dumps({"data": [{"id": "a/b", "pricing": pricing}]}).encode()
    assert _fields(parse(body, URL, WHEN), "a/b") == {"input": Decimal(2), "output": Decimal(8)}
    assert unmapped_keys(body) == {"overrides.utc_start", "overrides.utc_end", "overrides.utc_days"}


@pytest.mark.parametrize("name", CAPTURE_NAMES)
def test_captured_keys_are_all_mapped(name: str) -> None:
    assert unmapped_keys((CAPTURES / name).read_bytes()) == set()


def test_unknown_keys_are_reported_and_do_not_fail_the_vendor() -> None:
    pricing = {
        "prompt": "0.000001",
        "completion": "0.000002",
        "image_token": "0.0000024",
        "video_second": "0.05",
        "discount": 0.1,
    }
    body = json.dumps({"data": [{"id": "a/b", "pricing": pricing}]}).encode()
    assert _fields(parse(body, URL, WHEN), "a/b") == {"input": Decimal(1), "output": Decimal(2)}
    assert unmapped_keys(body) == {"image_token", "video_second", "discount"}
    zero_discount = json.dumps({"data": [{"id": "a/b", "pricing": {**pricing, "discount": 0}}]})
    assert "discount" not in unmapped_keys(zero_discount.encode())


@pytest.mark.parametrize(
    ("pricing", "message"),
    [
        (
            {"prompt": "0.000001", "completion": "0.000002", "audio": "0.000001", "input_audio": "0.000002"},
            "two pricing keys",
        ),
        ({"prompt": "0.000001", "completion": "0.000002", "image_output": "NaN"}, "not a finite"),
        ({"prompt": "0.000001", "completion": "0.000002", "audio_output": True}, "not a number"),
        ({"prompt": None, "completion": "0.000002"}, "expected pricing.prompt"),
        (
            {
                "prompt": "0.000001",
                "completion": "0.000002",
                "overrides": [{"min_prompt_tokens": 1000, "prompt": "-0.1"}],
            },
            "negative price in overrides",
        ),
    ],
    ids=["conflicting-aliases", "nan-new-key", "bool", "null-prompt", "negative-override"],
)
def test_bad_later_values_are_refused(pricing: dict[str, Any], message: str) -> None:
    with pytest.raises(ParseError, match=r"^openrouter: ") as err:
        _parse_models({"id": "a/b", "pricing": pricing})
    assert message in str(err.value)


def test_never_negative_or_nan_across_captures() -> None:
    for name in CAPTURE_NAMES:
        for rate in _parse_capture(name).rates:
            assert rate.value is None or (rate.value.is_finite() and rate.value >= 0)


def test_unstored_pricing_keys_are_reported_as_notes_not_dropped_silently() -> None:
    body = json.dumps(
        {
            "data": [
                {
                    "id": "x/model",
                    "name": "X",
                    "pricing": {"prompt": "0.000001", "completion": "0.000002", "image_token": "0.000003"},
                }
            ]
        }
    ).encode()
    result = parse(body, URL, datetime(2026, 1, 24, tzinfo=UTC))
    assert result.notes == ("pricing keys not stored: image_token",)
    assert {r.field for r in result.rates} == {"input", "output"}


# --- 2026-03-30: the bare, id-sorted ``.data`` array (no envelope), and the unit change of ``image``. ---

MAR30 = "2026-03-30__openrouter-api-v1-models.data-sorted.json"


def test_the_bare_sorted_array_is_bundled_and_read_like_the_api_body() -> None:
    body = (CAPTURES / MAR30).read_bytes()
    assert json.loads(body)[0]["id"] < json.loads(body)[1]["id"]  # a bare array, sorted by id
    wrapped = json.dumps({"data": json.loads(body)}).encode()
    assert parse(body, URL, _fetched(MAR30)) == parse(wrapped, URL, _fetched(MAR30))
    assert len(_parse_capture(MAR30).models) == 345


def test_values_checked_by_hand_mar30() -> None:
    result = _parse_capture(MAR30)
    # {"id":"anthropic/claude-opus-4.6",...,"pricing":{"prompt":"0.000005","completion":"0.000025",
    #  "web_search":"0.01","input_cache_read":"0.0000005","input_cache_write":"0.00000625"}}
    assert _fields(result, "anthropic/claude-opus-4.6") == {
        "input": Decimal(5),
        "output": Decimal(25),
        "web_search": Decimal("0.01"),
        "cache_read": Decimal("0.5"),
        "cache_write": Decimal("6.25"),
    }
    # "google/gemini-2.5-flash": "prompt":"0.0000003","completion":"0.0000025","audio":"0.000001",
    # "internal_reasoning":"0.0000025","input_cache_read":"0.00000003","input_cache_write":"0.00000008333333333333334"
    flash = _fields(result, "google/gemini-2.5-flash")
    assert flash["input"] == Decimal("0.3") and flash["output"] == Decimal("2.5")
    assert flash["audio_input"] == Decimal(1) and flash["reasoning"] == Decimal("2.5")
    assert flash["cache_read"] == Decimal("0.03")
    assert flash["cache_write"] == Decimal("0.08333333333333334")  # every digit kept
    assert "image_analysis" not in flash  # "image":"0.0000003" equals its prompt price: per token
    # "perplexity/sonar-pro-search": "web_search":"0.018", per search request.
    search = rate_of(result, "perplexity/sonar-pro-search", "web_search")
    assert (search.value, search.unit) == (Decimal("0.018"), "usd_per_request")
    # "deepseek/deepseek-v3.2": "prompt":"0.00000026","completion":"0.00000038","input_cache_read":"0.00000013"
    assert _fields(result, "deepseek/deepseek-v3.2") == {
        "input": Decimal("0.26"),
        "output": Decimal("0.38"),
        "cache_read": Decimal("0.13"),
    }
    # "openai/gpt-4o-audio-preview": "audio":"0.00004" -> $40 per MTok of audio input
    assert rate_of(result, "openai/gpt-4o-audio-preview", "audio_input").value == Decimal(40)
    # "qwen/qwen3-coder:free": "prompt":"0","completion":"0"
    assert _fields(result, "qwen/qwen3-coder:free") == {
        "free": None,
        "input": Decimal(0),
        "output": Decimal(0),
    }


def _image_models(result: Parsed) -> set[str]:
    return {r.model for r in result.rates if r.field == "image_analysis"}


def test_image_is_per_token_throughout_the_march_list_so_none_is_stored() -> None:
    result = _parse_capture(MAR30)
    # All 14 models that price "image" give it their "prompt" value ("image":"0.000002" for
    # google/gemini-3.1-pro-preview, prompt "0.000002"): the key changed meaning, not the prices.
    assert _image_models(result) == set()
    (note,) = [n for n in result.notes if n.startswith("pricing.image")]
    assert "not stored for 14 models" in note and "on 14 of the 14 models" in note
    assert "google/gemini-3.1-pro-preview" in note and "unit change" in note and "not a price move" in note


def test_january_refuses_only_the_per_token_image_values() -> None:
    result = _parse_capture(JAN24)
    # google/gemini-2.5-flash: "prompt": "0.0000003", "image": "0.0000003" -> refused.
    assert "google/gemini-2.5-flash" not in _image_models(result)
    # anthropic/claude-opus-4.1: "image": "0.024", prompt "0.000015" -> still a price per image.
    image = rate_of(result, "anthropic/claude-opus-4.1", "image_analysis")
    assert (image.value, image.unit) == (Decimal("0.024"), "usd_per_image")
    assert len(_image_models(result)) == 15
    (note,) = [n for n in result.notes if n.startswith("pricing.image")]
    assert "not stored for 13 models" in note and "on 13 of the 28 models" in note


def test_december_stores_per_image_prices_but_not_the_two_equal_to_prompt() -> None:
    result = _parse_capture(DEC29)
    # openai/gpt-5-image: "prompt": "0.00001", "image": "0.00001" -> the per-token signature.
    assert "openai/gpt-5-image" not in _image_models(result)
    assert rate_of(result, "google/gemini-2.5-flash", "image_analysis").value == Decimal("0.001238")
    assert len(_image_models(result)) == 48


def _priced(mid: str, prompt: str, image: str) -> dict[str, Any]:
    return {"id": mid, "pricing": {"prompt": prompt, "completion": "0.00001", "image": image}}


@pytest.mark.parametrize(
    ("models", "stored"),
    [
        # One model of three has image == prompt: only its value is refused.
        (
            [
                _priced("a/x", "0.000001", "0.000001"),
                _priced("a/y", "0.000002", "0.01"),
                _priced("a/z", "0.000003", "0.02"),
            ],
            {"a/y", "a/z"},
        ),
        # Two of three: the key is per token in this list; the third value is refused too.
        (
            [
                _priced("a/x", "0.000001", "0.000001"),
                _priced("a/y", "0.000002", "0.000002"),
                _priced("a/z", "0.000003", "0.02"),
            ],
            set(),
        ),
        # Image priced by a model with a zero prompt counts as neither; a zero image is "not charged".
        ([_priced("a/x", "0", "0.01"), _priced("a/y", "0.000002", "0")], {"a/x"}),
    ],
    ids=["one-of-three", "two-of-three", "zero-prompt"],
)
def test_the_image_unit_rule(models: list[dict[str, Any]], stored: set[str]) -> None:
    result = _parse_models(*models)
    assert _image_models(result) == stored
    assert all(r.unit == "usd_per_image" for r in result.rates if r.field == "image_analysis")


def test_a_refused_image_value_is_dropped_from_overrides_too() -> None:
    pricing = {
        "prompt": "0.000001",
        "completion": "0.000002",
        "image": "0.000001",
        "overrides": [{"min_prompt_tokens": 200000, "prompt": "0.000002", "image": "0.000002"}],
    }
    result = _parse_models({"id": "a/b", "pricing": pricing})
    assert {(r.field, r.tier) for r in result.rates} == {
        ("input", "standard"),
        ("output", "standard"),
        ("input", "context>200k"),
    }
