"""Cloudflare Workers AI parser: token prices per model, the neuron price and the free allocation."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files

import pytest
from golden import mangle, rate_of

from ratecard import tiers
from ratecard.parsers.base import Parsed, ParseError
from ratecard.parsers.cloudflare import PLATFORM, VENDOR, model_id, parse

URL = "https://developers.cloudflare.com/workers-ai/platform/pricing/index.md"
CAPTURES = files("ratecard") / "captures" / VENDOR
PAGE = "2026-01-24__workers-ai-pricing.md"
WHEN = datetime(2026, 1, 24, tzinfo=UTC)
PAID, FREE = tiers.make(plan="workers-paid"), tiers.make(plan="workers-free")
WEBSOCKET = tiers.make(transport="websocket")


def _text() -> str:
    return (CAPTURES / PAGE).read_text(encoding="utf-8")


def _parse(text: str) -> Parsed:
    return parse(text.encode("utf-8"), URL, WHEN)


BY_HAND = [
    # Plan table: "| Workers Paid | 10,000 Neurons per day | $0.011 / 1,000 Neurons |"
    (PLATFORM, "neurons", PAID, "0.011", "usd_per_1k_neurons"),
    # "| @cf/meta/llama-3.2-1b-instruct | $0.027 per M input tokens $0.201 per M output tokens | ..."
    ("cf/meta/llama-3.2-1b-instruct", "input", "standard", "0.027", "usd_per_mtok"),
    ("cf/meta/llama-3.2-1b-instruct", "output", "standard", "0.201", "usd_per_mtok"),
    # "| @cf/meta/llama-3.3-70b-instruct-fp8-fast | $0.293 per M input tokens $2.253 per M output tokens |"
    ("cf/meta/llama-3.3-70b-instruct-fp8-fast", "output", "standard", "2.253", "usd_per_mtok"),
    # "| @cf/openai/gpt-oss-120b | $0.350 per M input tokens $0.750 per M output tokens |"
    ("cf/openai/gpt-oss-120b", "input", "standard", "0.35", "usd_per_mtok"),
    # "| @cf/meta/llama-guard-3-8b | $0.484 per M input tokens $0.030 per M output tokens |"
    ("cf/meta/llama-guard-3-8b", "output", "standard", "0.03", "usd_per_mtok"),
    # Embeddings: "| @cf/baai/bge-m3 | $0.012 per M input tokens | 1075 neurons per M input tokens |"
    ("cf/baai/bge-m3", "input", "standard", "0.012", "usd_per_mtok"),
    # Audio: "| @cf/openai/whisper | $0.0005 per audio minute | 41.14 neurons per audio minute |"
    ("cf/openai/whisper", "audio_duration", "standard", "0.0005", "usd_per_minute"),
    # "| @cf/deepgram/aura-1 | $0.015 per 1k characters input | ..." = $15 per million characters
    ("cf/deepgram/aura-1", "speech_generation", "standard", "15", "usd_per_mchars"),
    # "| @cf/deepgram/nova-3 | $0.0052 per audio minute input | ..."
    ("cf/deepgram/nova-3", "audio_input_duration", "standard", "0.0052", "usd_per_minute"),
    # "| @cf/deepgram/nova-3 (WebSocket) | $0.0092 per audio minute input | ..."
    ("cf/deepgram/nova-3", "audio_input_duration", WEBSOCKET, "0.0092", "usd_per_minute"),
    # "| @cf/deepgram/flux (WebSocket) | $0.0077 per audio minute | ..."
    ("cf/deepgram/flux", "audio_duration", WEBSOCKET, "0.0077", "usd_per_minute"),
    # Other: "| @cf/ai4bharat/indictrans2-en-indic-1B | $0.342 per M input tokens $0.342 per M output tokens |"
    ("cf/ai4bharat/indictrans2-en-indic-1b", "output", "standard", "0.342", "usd_per_mtok"),
]


@pytest.mark.parametrize(("model", "fld", "tier", "amount", "unit"), BY_HAND)
def test_hand_checked_prices(model: str, fld: str, tier: str, amount: str, unit: str) -> None:
    rate = rate_of(_parse(_text()), model, fld, tier)
    assert (rate.value, rate.unit, rate.currency, rate.status) == (Decimal(amount), unit, "USD", "verified")


def test_free_allocation_is_an_attribute_not_a_price() -> None:
    result = _parse(_text())
    # "| Workers Free | 10,000 Neurons per day | N/A - Upgrade to Workers Paid |"
    for tier, plan in ((FREE, "Workers Free"), (PAID, "Workers Paid")):
        flag = rate_of(result, PLATFORM, "free_allocation", tier)
        assert (flag.unit, flag.value, flag.reason) == (
            "flag",
            None,
            f"page: 10,000 Neurons per day ({plan})",
        )
    free = rate_of(result, PLATFORM, "neurons", FREE)
    assert (free.status, free.value, free.reason) == (
        "not_offered",
        None,
        "page shows 'N/A - Upgrade to Workers Paid'",
    )
    assert not [r for r in result.rates if r.value == 0]


# --- Recall: every price the page prints, stored or on the reviewed list. ---

#: How the page's "per ..." phrases are stored (the module's reading, restated as the spec).
STORED = {
    "M input tokens": ("input", 1),
    "M output tokens": ("output", 1),
    "audio minute": ("audio_duration", 1),
    "audio minute input": ("audio_input_duration", 1),
    "1k characters input": ("speech_generation", 1000),
}
#: Phrases not stored, reviewed: no billing unit for them in ratecard.units.
NOT_MODELLED = {
    "512x512 tile": "image tiles (flux-1-schnell, lucid-origin, phoenix-1.0)",
    "step": "diffusion steps (same three models)",
    "input 512x512 tile, per step": "flux-2-dev input tiles per step",
    "output 512x512 tile, per step": "flux-2-dev output tiles per step",
    "input 512x512 tile": "flux-2-klein-4b input tiles",
    "output 512x512 tile": "flux-2-klein-4b output tiles",
    "M images": "resnet-50 per million images: not said to be input (analysis) or generation",
}
#: Prices the page contradicts (token column vs neuron column), reviewed: not stored, noted.
CONTRADICTED = {("@cf/pipecat-ai/smart-turn-v2", "audio minute input")}
_ROW = re.compile(r"^\| (@cf/[^|]+?) \| ([^|]+) \|", re.MULTILINE)
_PRICE = re.compile(r"\$([\d.]+) per (.+?)\s*(?=\$|$)")


def test_recall_every_printed_price_is_stored_or_reviewed() -> None:
    result = _parse(_text())
    stored = {(r.model, r.field, r.tier): r.value for r in result.rates}
    seen_unstored: set[str] = set()
    printed = 0
    for name, cell in _ROW.findall(_text()):
        mid, tier = model_id(name)
        for amount, per in _PRICE.findall(cell.strip()):
            printed += 1
            if (name, per) in CONTRADICTED:
                assert (mid, "audio_input_duration", tier) not in stored
                continue
            if per in NOT_MODELLED:
                seen_unstored.add(per)
                assert any(
                    n.startswith(f"prices per {per.lower()} not stored") and name in n for n in result.notes
                )
                continue
            fld, scale = STORED[per]
            assert stored[(mid, fld, tier)] == Decimal(amount) * scale, (name, per)
    assert seen_unstored == set(NOT_MODELLED)
    assert printed == 83  # `grep -o '\$[0-9.]* per'` over the '| @cf' rows' token cells
    # plus the plan table: the neuron price (stored), N/A (not offered) and two allocations (flags)
    assert len([r for r in result.rates if r.model == PLATFORM]) == 4


def test_a_price_the_neuron_column_contradicts_is_noted_not_stored() -> None:
    # "| @cf/pipecat-ai/smart-turn-v2 | $0.00033795 per audio minute input | 0.51 neurons per audio minute
    # input |": 0.51 neurons at $0.011/1,000 are $0.00000561, not $0.00033795. Every other row agrees.
    result = _parse(_text())
    assert "cf/pipecat-ai/smart-turn-v2" not in result.models
    mismatches = [n for n in result.notes if "disagree" in n]
    assert mismatches == [
        "not stored, the page's two columns disagree: @cf/pipecat-ai/smart-turn-v2: $0.00033795 per audio minute input, "
        "but its 0.51 neurons per audio minute input come to $0.00000561 at $0.011 per 1,000 neurons"
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("@cf/meta/llama-3.2-1b-instruct", ("cf/meta/llama-3.2-1b-instruct", "standard")),
        ("@cf/ai4bharat/indictrans2-en-indic-1B", ("cf/ai4bharat/indictrans2-en-indic-1b", "standard")),
        ("@cf/deepgram/nova-3 (WebSocket)", ("cf/deepgram/nova-3", "transport=websocket")),
        ("@hf/thebloke/codellama-7b-instruct-awq", ("hf/thebloke/codellama-7b-instruct-awq", "standard")),
    ],
)
def test_model_id(name: str, expected: tuple[str, str]) -> None:
    assert model_id(name) == expected


@pytest.mark.parametrize("name", ["Llama 3.2 1B", "@cf/deepgram/nova-3 (Batch)"])
def test_model_id_refuses(name: str) -> None:
    with pytest.raises(ParseError, match=r"^cloudflare: (unrecognised model name|unknown variant)"):
        model_id(name)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "| Model | Price in Tokens | Price in Neurons |\n| - | - | - |\n| @cf/meta/llama-3.2-1b",
            "| Model | Price in Tokens | Price in Neurons | Batch |\n| - | - | - | - |\n| @cf/meta/llama-3.2-1b",
            "unknown model table header",
        ),
        ("| $0.027 per M input tokens", "| from $0.027 per M input tokens", "unreadable price cell"),
        ("$0.027 per M input tokens $0.201", "$0.027 per M input tokens (promo) $0.201", "differ"),
        ("$0.027 per M input tokens", "0.027 per M input tokens", "unreadable price cell"),
        ("2457 neurons per M input tokens 18252", "18252", "differ"),
        ("$0.011 / 1,000 Neurons", "$0.011 / 1,000,000 Neurons", "is not per 1,000 neurons"),
        (
            "| Workers Paid | 10,000 Neurons per day",
            "| Workers Paid | unlimited",
            "unreadable free allocation",
        ),
    ],
)
def test_mangled_page_is_refused(old: str, new: str, message: str) -> None:
    with pytest.raises(ParseError, match=r"^cloudflare: ") as err:
        _parse(mangle(_text(), old, new))
    assert message in str(err.value)


def test_one_dash_delimiter_rows_are_tables_and_two_dash_rows_too() -> None:
    widened = _text().replace("| - | - | - |", "| --- | --- | --- |")
    assert widened != _text()
    assert _parse(widened).rates == _parse(_text()).rates


def test_page_without_model_tables_is_refused() -> None:
    with pytest.raises(ParseError, match="cloudflare: no model price table found"):
        _parse("# Pricing\n\nWorkers AI is priced at $0.011 per 1,000 Neurons.\n")
