"""Exports of rates that are not per token: LiteLLM's keys for images, seconds, characters and
searches, genai-prices' keys for characters and audio hours, and every other rate named as not
exportable. Real captures run through Scrapy into a real SQLite file, exported by the CLI, and
priced by LiteLLM's and genai-prices' own code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from helpers import FAST, capture, run_captures
from typer.testing import CliRunner

from ratecard.capture_server import CaptureServer, Route
from ratecard.cli import app
from ratecard.config.settings import load
from ratecard.crawler.rawstore import RawStore
from ratecard.db import open_db
from ratecard.exports import exact_json

DAY = date(2025, 12, 20)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """OpenAI (2025-12-20), xAI, Perplexity and Google pages, run as one day."""
    path = tmp_path_factory.mktemp("units") / "units.db"
    url = f"sqlite:///{path}"
    engine = open_db(url)
    with CaptureServer() as server:
        report = run_captures(
            engine,
            load(None, FAST),
            RawStore(path.with_suffix(".raw")),
            server,
            DAY,
            openai=capture("openai", "2025-12-20"),
            xai=capture("xai", "2026-05-27"),
            perplexity=capture("perplexity", "2026-02-04"),
            google=capture("google", "2025-11-21"),
        )
    assert report.exit_code == 0, report
    engine.dispose()
    yield url


def export(db: str, fmt: str, *args: str) -> tuple[Any, str]:
    result = CliRunner().invoke(
        app, ["export", "--db", db, "--format", fmt, "--as-of", DAY.isoformat(), *args]
    )
    assert result.exit_code == 0, result.output
    exact = fmt == "genai-prices"  # our own format's numbers are exact decimals
    return json.loads(result.stdout, parse_float=Decimal if exact else float), result.stderr


@pytest.fixture(scope="module")
def fragment(db: str) -> tuple[dict[str, Any], str]:
    doc, notes = export(db, "litellm")
    return doc, notes


def test_litellm_keys_for_images_seconds_characters_and_searches(
    fragment: tuple[dict[str, Any], str],
) -> None:
    doc, _ = fragment
    # OpenAI's image table: one sized key per quality and size, as LiteLLM looks them up
    assert doc["high/1024-x-1024/gpt-image-1"]["input_cost_per_image"] == 0.167
    assert doc["low/1024-x-1536/gpt-image-1"]["input_cost_per_image"] == 0.016
    assert doc["high/1024-x-1024/gpt-image-1"]["mode"] == "image_generation"
    assert doc["gpt-image-1"]["input_cost_per_image_token"] == 1e-05  # tokens stay per token
    # Whisper per minute -> per second; TTS per million characters -> per character
    assert doc["whisper"]["input_cost_per_second"] == 0.0001
    assert doc["whisper"]["mode"] == "audio_transcription"
    assert doc["tts"]["input_cost_per_character"] == 1.5e-05
    # xAI's video by resolution, LiteLLM's _480p/_720p keys
    video = doc["xai/grok-imagine-video"]
    assert (video["output_cost_per_second_480p"], video["output_cost_per_second_720p"]) == (0.05, 0.07)
    # Perplexity's request fee by search context: per 1,000 requests -> per query, by size
    assert doc["perplexity/sonar"]["search_context_cost_per_query"] == {
        "search_context_size_low": 0.005,
        "search_context_size_medium": 0.008,
        "search_context_size_high": 0.012,
    }
    # Google's flat search grounding fee holds at every size; status per member
    flash = doc["gemini/gemini-2.5-flash"]
    assert set(flash["search_context_cost_per_query"].values()) == {0.035}
    assert flash["ratecard_status"]["search_context_cost_per_query.*"].startswith(("verified", "stale"))
    prices = [v for e in doc.values() for k, v in e.items() if "cost" in k and not isinstance(v, dict)]
    assert prices and all(type(v) is float for v in prices)


def test_tool_fees_are_not_models_and_the_rest_is_named(fragment: tuple[dict[str, Any], str]) -> None:
    doc, notes = fragment
    assert not {"web-search", "file-search", "containers", "xai/web-search"} & doc.keys()
    assert "not exportable to LiteLLM" in notes
    assert "a tool's price" in notes  # web-search, file-search: named, not silently dropped
    assert "usd_per_container_hour" not in json.dumps(doc)


def test_litellm_prices_images_and_video_with_our_rates(
    fragment: tuple[dict[str, Any], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # litellm must not go online
    import litellm
    from litellm.cost_calculator import default_image_cost_calculator, default_video_cost_calculator

    doc, _ = fragment
    edited = {k: dict(v) for k, v in doc.items()}
    # a value LiteLLM's own map does not hold, so the merged entry is visibly ours
    edited["high/1024-x-1024/gpt-image-1"]["input_cost_per_image"] = 0.171
    edited["xai/grok-imagine-video"]["output_cost_per_second_720p"] = 0.075
    litellm.register_model(edited)
    image = default_image_cost_calculator(
        model="gpt-image-1", quality="high", size="1024x1024", n=2, custom_llm_provider="openai"
    )
    assert Decimal(repr(image)) == Decimal("0.342")
    video = default_video_cost_calculator(
        model="xai/grok-imagine-video", duration_seconds=8, custom_llm_provider="xai", video_resolution="720p"
    )
    assert Decimal(repr(video)) == Decimal("0.6")


def test_genai_prices_keys_for_characters_audio_hours_and_image_tokens(db: str) -> None:
    genai_prices = pytest.importorskip("genai_prices", reason="genai-prices is a development dependency")
    from genai_prices import Usage, calc_price
    from genai_prices.data_snapshot import set_custom_snapshot

    doc, notes = export(db, "genai-prices")
    models = {(p["id"], m["id"]): m for p in doc for m in p["models"]}
    assert models["openai", "tts"]["prices"][0]["prices"] == {"input_mchars": 15}
    assert models["openai", "whisper"]["prices"][0]["prices"] == {"audio_hours": Decimal("0.36")}
    image = models["openai", "gpt-image-1"]["prices"][0]["prices"]
    assert (image["input_image_mtok"], image["cache_image_read_mtok"]) == (10, Decimal("2.5"))
    assert "usd_per_image" in models["openai", "gpt-image-1"]["price_comments"]  # named, not dropped
    assert "not exportable to genai-prices" in notes and "usd_per_image" in notes

    body = exact_json.dumps(doc).encode()
    with CaptureServer() as server:
        url = server.add("/feeds/genai-prices/data.json", Route(body, content_type="application/json"))
        with genai_prices.UpdatePrices(url=url) as updater:
            assert updater.wait(timeout=30)
    try:
        at = datetime(2025, 12, 20, 12, tzinfo=UTC)

        def price(model: str, usage: Usage) -> Decimal:
            found = calc_price(usage, model, provider_id="openai", genai_request_timestamp=at)
            return found.total_price

        assert price("tts", Usage(input_characters=2000)) == Decimal("0.03")
        assert price("whisper", Usage(audio_seconds=90)) == Decimal("0.009")  # 1.5 minutes
        assert price("gpt-image-1", Usage(input_tokens=1000, input_image_tokens=400)) == Decimal("0.007")
    finally:
        set_custom_snapshot(None)  # later tests get genai-prices' own data back
