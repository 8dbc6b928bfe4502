"""The feeds, proved by the tools that load them: LiteLLM adopts our map from the URL, genai-prices
prices with our data, and both agree with `ratecard cost` for today and for a past day."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import capture, run_captures
from serving import TODAY, Live, run_cli, start, stop

from ratecard.capture_server import CaptureServer, Route
from ratecard.config.settings import Settings
from ratecard.crawler.rawstore import RawStore
from ratecard.db import open_db
from ratecard.locations import raw_dir
from ratecard.server.feeds import BASE_HEADER, installed_base

FEED = "/feeds/litellm/model_prices_and_context_window.json"
UPSTREAM = (
    Path(__file__).parents[1]
    / "fixtures/registries/litellm/2025-12-29__model_prices_and_context_window.wrapped.json"
)
LITELLM_PROBE = """
import json, litellm
from litellm.litellm_core_utils.get_model_cost_map import get_model_cost_map_source_info
cost = litellm.cost_per_token(model="claude-sonnet-4-5", prompt_tokens=250000, completion_tokens=1000)
haiku = litellm.model_cost["claude-3-haiku-20240307"]
print(json.dumps({
    "source": get_model_cost_map_source_info(),
    "sonnet": litellm.model_cost["claude-sonnet-4-5"],
    "haiku_1h": haiku["cache_creation_input_token_cost_above_1hr"],
    "cost": sum(cost),
    "count": len(litellm.model_cost),
}))
"""


def cli_cost(db: str, model: str, *args: str) -> Decimal:
    done = run_cli("cost", model, *args, "--db", db, "--format", "json")
    return Decimal(json.loads(done.stdout)["total_usd"])


@pytest.fixture(scope="module")
def feed(client: httpx.Client) -> dict[str, Any]:
    answer = client.get(FEED)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    # no run of the test database fetched LiteLLM's map (it cross-checks against a file)
    assert answer.headers[BASE_HEADER] == installed_base().label
    assert answer.headers[BASE_HEADER].startswith("installed litellm 1.")
    doc: dict[str, Any] = answer.json()
    return doc


def test_litellm_loads_our_map_and_prices_with_the_corrected_rates(live: Live) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LITELLM_", "RATECARD_"))}
    env["LITELLM_MODEL_COST_MAP_URL"] = live.url(FEED)
    done = subprocess.run(
        [sys.executable, "-c", LITELLM_PROBE], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["source"]["source"] == "remote" and got["source"]["url"] == live.url(FEED)
    # LiteLLM's own entry has no long-context price: it would bill 250k tokens at $3, the page says $6
    assert "input_cost_per_token_above_200k_tokens" not in installed_base().doc["claude-sonnet-4-5"]
    assert got["sonnet"]["input_cost_per_token_above_200k_tokens"] == pytest.approx(6e-6, rel=1e-15)
    assert got["sonnet"]["ratecard_status"]["input_cost_per_token"] == "verified"
    # claude-3-haiku's 1-hour cache write is $0.50/MTok on the page (LiteLLM once had a flat $6)
    assert got["haiku_1h"] == pytest.approx(0.5e-6, rel=1e-15)
    ours = cli_cost(
        live.db, "anthropic/claude-sonnet-4-5", "--input-tokens", "250000", "--output-tokens", "1000"
    )
    assert ours == Decimal("1.5225")
    assert got["cost"] == pytest.approx(float(ours), rel=1e-12)
    assert got["count"] >= len(installed_base().doc) - 2  # reserved keys aside, nothing dropped


def test_the_litellm_map_drops_nothing_and_overlays_only_verified_rates(feed: dict[str, Any]) -> None:
    base = installed_base().doc
    assert set(base) <= set(feed)
    sonnet, theirs = feed["claude-sonnet-4-5"], base["claude-sonnet-4-5"]
    assert sonnet["max_input_tokens"] == theirs["max_input_tokens"]  # LiteLLM's own fields stay
    assert sonnet["supports_vision"] is theirs["supports_vision"]
    assert set(sonnet["ratecard_status"].values()) == {"verified"}
    assert feed["gpt-4o"] == base["gpt-4o"]  # OpenAI is stale today: LiteLLM's entry untouched
    overlaid = [e for e in feed.values() if isinstance(e, dict) and "ratecard_status" in e]
    assert overlaid and all(set(e["ratecard_status"].values()) == {"verified"} for e in overlaid)


def test_the_litellm_map_is_laid_over_the_newest_upstream_copy_a_run_fetched(
    sqlite_url: str, settings: Settings, server: CaptureServer
) -> None:
    upstream = json.loads(UPSTREAM.read_text(encoding="utf-8"))["data"]
    upstream["ratecard-test/upstream-only"] = {"litellm_provider": "openai", "mode": "chat", "max_tokens": 7}
    body = json.dumps(upstream).encode()
    url = server.add("/model_prices_and_context_window.json", Route(body, content_type="application/json"))
    engine, raw = open_db(sqlite_url), RawStore(raw_dir(sqlite_url))
    try:
        night = replace(settings, registries=("litellm",), litellm_url=url)
        report = run_captures(engine, night, raw, server, TODAY, anthropic=capture("anthropic", "2025-11-19"))
    finally:
        engine.dispose()
    assert report.exit_code == 0, report.outcomes
    digest = hashlib.sha256(body).hexdigest()
    assert raw.has(digest)
    stored = sorted((p, p.stat().st_mtime_ns) for p in raw.root.rglob("*"))

    answer = served_feed(sqlite_url)
    assert answer.headers[BASE_HEADER] == f"upstream {digest[:12]} fetched {TODAY}"
    got = answer.json()
    assert (
        set(upstream) <= set(got)
        and got["ratecard-test/upstream-only"] == upstream["ratecard-test/upstream-only"]
    )
    assert "ratecard-test/upstream-only" not in installed_base().doc
    sonnet = got["claude-sonnet-4-5"]
    assert set(sonnet["ratecard_status"].values()) == {"verified"}  # today's page laid over upstream's entry
    assert sonnet["max_input_tokens"] == upstream["claude-sonnet-4-5"]["max_input_tokens"]
    assert sorted((p, p.stat().st_mtime_ns) for p in raw.root.rglob("*")) == stored  # read, never written

    raw.delete(digest)  # a server whose raw store does not hold the body (another host's, pruned)
    fallback = served_feed(sqlite_url)
    assert fallback.headers[BASE_HEADER] == installed_base().label
    assert "ratecard-test/upstream-only" not in fallback.json()


def served_feed(db: str) -> httpx.Response:
    """The LiteLLM feed as a fresh `ratecard serve` over ``db`` answers it."""
    live = start(db)
    try:
        answer = httpx.get(live.url(FEED), timeout=60)
    finally:
        stop(live)
    assert answer.status_code == 200, answer.text
    return answer


@pytest.fixture(scope="module")
def genai_loaded(live: Live) -> Iterator[Any]:
    genai_prices = pytest.importorskip("genai_prices", reason="genai-prices is a development dependency")
    from genai_prices.data_snapshot import set_custom_snapshot

    with genai_prices.UpdatePrices(url=live.url("/feeds/genai-prices/data.json")) as updater:
        assert updater.wait(timeout=60)
    try:
        yield genai_prices
    finally:
        set_custom_snapshot(None)  # later tests get genai-prices' own data back


@pytest.mark.parametrize(
    ("model", "day", "tokens"),
    [
        ("claude-sonnet-4-5", None, (12_000, 800, 3_000)),
        ("claude-haiku-4-5", None, (250_000, 2_000, 0)),
        ("claude-3-5-sonnet", "2025-10-26", (40_000, 1_500, 0)),  # removed from the page on 2025-10-29
    ],
)
def test_genai_prices_prices_with_our_feed_like_ratecard_cost(
    genai_loaded: Any, live: Live, model: str, day: str | None, tokens: tuple[int, int, int]
) -> None:
    fresh, output, cached = tokens
    when = datetime.fromisoformat(f"{day}T12:00:00+00:00") if day else datetime.now(UTC)
    usage = genai_loaded.Usage(input_tokens=fresh + cached, cache_read_tokens=cached, output_tokens=output)
    found = genai_loaded.calc_price(usage, model, provider_id="anthropic", genai_request_timestamp=when)
    args = [
        "--input-tokens",
        str(fresh),
        "--output-tokens",
        str(output),
        "--cached-input-tokens",
        str(cached),
    ]
    ours = cli_cost(live.db, f"anthropic/{model}", *args, "--at", when.isoformat())
    assert found.total_price == ours


def test_our_own_export_feeds_are_the_export_command(client: httpx.Client, live: Live) -> None:
    as_json = client.get("/feeds/ratecard.json", params={"as_of": "2025-12-20"})
    cli = run_cli("export", "--format", "json", "--as-of", "2025-12-20", "--db", live.db).stdout
    assert as_json.json() == json.loads(cli)
    as_csv = client.get("/feeds/ratecard.csv", params={"as_of": "2025-12-20"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.endswith(
        "\r\n"
    )  # RFC 4180 rows (the CLI's output is read back with newlines translated)
    cli_csv = run_cli("export", "--format", "csv", "--as-of", "2025-12-20", "--db", live.db).stdout
    assert as_csv.text.replace("\r\n", "\n") == cli_csv
    assert as_csv.headers["cache-control"] == "public, max-age=86400, immutable"


def test_published_files_are_the_feeds_the_server_answers(
    client: httpx.Client, live: Live, tmp_path: Path
) -> None:
    done = run_cli("serve", "--publish", str(tmp_path / "feeds"), "--db", live.db)
    assert done.stderr.count("wrote ") == 4
    assert f"the LiteLLM map is laid over {installed_base().label}" in done.stderr
    for relative in (
        "litellm/model_prices_and_context_window.json",
        "genai-prices/data.json",
        "ratecard.json",
    ):
        assert (
            json.loads((tmp_path / "feeds" / relative).read_text()) == client.get(f"/feeds/{relative}").json()
        )
    assert (tmp_path / "feeds" / "ratecard.csv").read_bytes() == client.get("/feeds/ratecard.csv").content
    assert not list((tmp_path / "feeds").rglob(".*.partial"))
