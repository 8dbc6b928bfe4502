"""The JSON API of a real `ratecard serve`, compared with what the CLI prints for the same question."""

from __future__ import annotations

import http.client
import json
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from serving import CONFIRMED, CONFIRMER, TODAY, Live, newest_capture_day, run_cli

ANTHROPIC = ["--vendor", "anthropic"]


def cli_json(*args: str, db: str) -> Any:
    return json.loads(run_cli(*args, "--db", db, "--format", "json").stdout)


def test_prices_are_the_rows_of_the_prices_command(client: httpx.Client, live: Live) -> None:
    answer = client.get("/api/v1/prices", params={"vendor": "anthropic"})
    assert answer.status_code == 200
    assert answer.json() == cli_json("prices", *ANTHROPIC, db=live.db)
    sonnet = {(r["field"], r["tier"]): r for r in answer.json() if r["model"] == "claude-sonnet-4-5"}
    assert sonnet["input", "standard"]["usd_per_mtok"] == "3"  # money is a decimal string
    assert sonnet["cache_write_5m", "standard"]["value"] == "3.75"


def test_prices_of_a_past_day_and_of_one_model(client: httpx.Client, live: Live) -> None:
    params = {"vendor": "openai", "model": "gpt-4o", "as_of": "2025-11-01"}
    answer = client.get("/api/v1/prices", params=params).json()
    assert answer == cli_json(
        "prices", "--vendor", "openai", "--model", "gpt-4o", "--as-of", "2025-11-01", db=live.db
    )
    assert answer and all("gpt-4o" in r["model"] for r in answer)


def test_status_and_stale_filter_the_rows(client: httpx.Client, live: Live) -> None:
    every = client.get("/api/v1/prices").json()
    stale = client.get("/api/v1/prices", params={"stale": "true"}).json()
    fresh = client.get("/api/v1/prices", params={"stale": "false"}).json()
    assert len(stale) + len(fresh) == len(every)
    # openai's newest page is months old; a disputed value ages from the last day a page said it
    assert stale and {r["vendor"] for r in stale if r["status"] != "disputed"} == {"openai"}
    assert all(r["stale"] for r in stale) and not any(r["stale"] for r in fresh)
    assert "verified" in {r["status"] for r in stale}  # freshness is apart: a stale rate keeps its status
    assert client.get("/api/v1/prices", params={"status": "stale"}).json() == stale  # the old spelling
    inferred = client.get("/api/v1/prices", params={"status": "inferred"}).json()
    assert inferred and {(r["status"], r["verified_status"]) for r in inferred} == {("inferred", "inferred")}
    disputed = client.get("/api/v1/prices", params={"status": "disputed"}).json()
    flagged = cli_json("flags", "--kind", "disputed", db=live.db)
    assert disputed and {(r["vendor"], r["model"], r["field"], r["tier"]) for r in disputed} == {
        (f["vendor"], f["model"], f["field"], f["tier"]) for f in flagged
    }
    assert all(r["status"] == "disputed" and "anomaly #" in r["reason"] for r in disputed)
    assert all(r["stale"] for r in disputed)  # last said by a page long ago


def test_history_changes_runs_and_flags_are_the_cli_rows(client: httpx.Client, live: Live) -> None:
    history = client.get("/api/v1/history", params={"model": "claude-3-5-sonnet"}).json()
    assert history == cli_json("history", "claude-3-5-sonnet", db=live.db)
    # the page of that day no longer listed it (and still listed most models): every rate ended there
    assert last_ends(history) == {"2025-10-29"}
    changes = client.get("/api/v1/changes", params={"since": "2025-10-26", "vendor": "anthropic"}).json()
    assert changes == cli_json("changes", "--since", "2025-10-26", *ANTHROPIC, db=live.db)
    runs = client.get("/api/v1/runs").json()
    assert runs == cli_json("runs", db=live.db)
    anomalies = client.get("/api/v1/flags", params={"kind": "anomaly"}).json()
    assert anomalies == cli_json("flags", "--kind", "anomaly", db=live.db)
    assert anomalies and {f["vendor"] for f in anomalies} == {"openrouter"}


def last_ends(history: list[dict[str, Any]]) -> set[str | None]:
    """The end of each (field, tier)'s latest span: None while it is still in force."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for h in sorted(history, key=lambda h: h["from"]):
        latest[h["field"], h["tier"]] = h
    return {h["to"] for h in latest.values()}


def test_models_a_narrower_page_dropped_are_kept_until_a_person_confirms(
    client: httpx.Client, live: Live
) -> None:
    dropped = newest_capture_day("openai").isoformat()  # its newest page lists far fewer models
    kept = client.get("/api/v1/history", params={"model": "gpt-4o", "vendor": "openai"}).json()
    assert last_ends([h for h in kept if h["model"] == "gpt-4o"]) == {None}
    rates = client.get("/api/v1/prices", params={"vendor": "openai", "model": "gpt-4o"}).json()
    rates = [r for r in rates if r["model"] == "gpt-4o" and r["status"] != "not_offered"]
    assert rates and all(r["stale"] and r["last_verified"] < dropped for r in rates)  # ageing
    unlisted = client.get("/api/v1/flags", params={"kind": "not-listed", "vendor": "openai"}).json()
    assert unlisted == cli_json("flags", "--kind", "not-listed", "--vendor", "openai", db=live.db)
    assert "gpt-4o" in {f["model"] for f in unlisted} and CONFIRMED[1] not in {f["model"] for f in unlisted}
    vendor, model = CONFIRMED
    gone = client.get("/api/v1/history", params={"model": model, "vendor": vendor}).json()
    assert last_ends([h for h in gone if h["model"] == model]) == {dropped}
    removals = client.get("/api/v1/changes", params={"model": model, "kind": "model_removed"}).json()
    assert removals and {r["date"] for r in removals} == {dropped}
    assert all(f"removal confirmed by {CONFIRMER}" in r["reason"] for r in removals)
    assert not client.get("/api/v1/prices", params={"vendor": vendor, "model": model}).json()


def test_changes_between_two_days_of_some_kinds(client: httpx.Client) -> None:
    params = {"since": "2025-10-29", "until": "2025-10-29", "kind": ["model_removed", "added"]}
    rows = client.get("/api/v1/changes", params=params).json()
    assert rows and {r["date"] for r in rows} == {"2025-10-29"}
    assert {r["kind"] for r in rows} == {"model_removed", "added"}


def test_vendors_say_when_each_was_last_verified(client: httpx.Client, live: Live) -> None:
    answer = client.get("/api/v1/vendors").json()
    assert answer == cli_json("vendors", db=live.db)
    rows = {r["vendor"]: r for r in answer}
    anthropic = rows["anthropic"]
    assert anthropic["last_verified"] == TODAY.isoformat() and anthropic["state"] == "ok"
    assert anthropic["days_since"] == 0 and anthropic["stale"] is False
    in_force = client.get("/api/v1/prices", params={"vendor": "anthropic"}).json()
    assert anthropic["rates"] == len(in_force) and anthropic["models"] == len({r["model"] for r in in_force})
    openai = rows["openai"]
    assert openai["last_verified"] == newest_capture_day("openai").isoformat() and openai["stale"] is True
    # a run that held odd values back still verified the rest: not a failure
    assert rows["openrouter"]["state"] == "ok" and rows["openrouter"]["last_failure"] is None
    assert rows["azure"]["state"] == "never" and rows["azure"]["last_verified"] is None
    assert rows["azure"]["rates"] == 0


def test_cost_is_the_object_of_the_cost_command(client: httpx.Client, live: Live) -> None:
    body = {
        "model": "anthropic/claude-sonnet-4-5",
        "usage": {"input_tokens": 5000, "output_tokens": 500},
        "at": "2025-11-01",
    }
    answer = client.post("/api/v1/cost", json=body)
    assert answer.status_code == 200
    got = answer.json()
    args = (
        "cost",
        "anthropic/claude-sonnet-4-5",
        "--input-tokens",
        "5000",
        "--output-tokens",
        "500",
        "--at",
        "2025-11-01",
    )
    cli = cli_json(*args, db=live.db)
    for key in ("vendor", "model", "snapshot_date", "tier", "total_usd", "lines", "rates_used", "notes"):
        assert got[key] == cli[key], key
    assert got["total_usd"] == "0.0225"


@pytest.mark.parametrize(
    ("model", "usage", "options"),
    [
        (
            "openai/dall-e-2",
            {"images": 3, "image_size": "1024x1024", "image_quality": "standard"},
            ("--images", "3", "--image-size", "1024x1024", "--image-quality", "standard"),
        ),
        (
            "openai/sora-2",
            {"seconds": 2.5, "video_resolution": "720x1280"},
            ("--seconds", "2.5", "--video-resolution", "720x1280"),
        ),
        ("openai/tts", {"characters": 1000}, ("--characters", "1000")),
    ],
)
def test_cost_prices_every_quantity_the_cli_prices(
    client: httpx.Client, live: Live, model: str, usage: dict[str, object], options: tuple[str, ...]
) -> None:
    """Images, seconds of video, characters of speech: the API takes ``ratecard cost``'s options."""
    at = "2026-01-05"
    answer = client.post("/api/v1/cost", json={"model": model, "usage": usage, "at": at})
    assert answer.status_code == 200, answer.text
    got = answer.json()
    cli = cli_json("cost", model, *options, "--at", at, db=live.db)
    for key in ("total_usd", "lines", "rates_used", "notes", "usage"):
        assert got[key] == cli[key], key
    assert Decimal(got["total_usd"]) > 0 and got["lines"][0]["unit"] != "usd_per_mtok"


def test_cost_reads_fractional_seconds_exactly(client: httpx.Client) -> None:
    body = {
        "model": "openai/sora-2",
        "usage": {"seconds": 0.1, "video_resolution": "720x1280"},
        "at": "2026-01-05",
    }
    got = client.post("/api/v1/cost", json=body).json()
    assert got["usage"]["seconds"] == "0.1" and Decimal(got["total_usd"]) == Decimal("0.1") * Decimal(
        got["lines"][0]["rate"]
    )


def test_cost_prices_one_hour_cache_writes_at_the_page_rate(client: httpx.Client) -> None:
    usage = {"input_tokens": 1000, "cache_write_1h_tokens": 2_000_000, "output_tokens": 0}
    got = client.post("/api/v1/cost", json={"model": "anthropic/claude-3-haiku", "usage": usage}).json()
    lines = {line["field"]: line for line in got["lines"]}
    assert lines["cache_write_1h"]["usd_per_mtok"] == "0.5"  # the page's rate; LiteLLM once had a flat $6
    assert got["total_usd"] == "1.00025"


def test_an_unknown_model_is_404_with_suggestions(client: httpx.Client) -> None:
    answer = client.post("/api/v1/cost", json={"model": "claude-sonet-4-5", "usage": {"input_tokens": 10}})
    assert answer.status_code == 404
    got = answer.json()
    assert got["error"] == "not_found" and "claude-sonet-4-5" in got["message"]
    assert "anthropic/claude-sonnet-4-5" in got["suggestions"]


@pytest.mark.parametrize(
    ("method", "path", "payload", "needle"),
    [
        ("GET", "/api/v1/prices?vendor=nope", None, "unknown vendor 'nope'"),
        ("GET", "/api/v1/prices?as_of=2025-13-01", None, "as_of"),
        ("GET", "/api/v1/prices?status=maybe", None, "status must be one of"),
        ("GET", "/api/v1/history", None, "model"),
        ("GET", "/api/v1/changes?since=2025-11-02&until=2025-11-01", None, "before since"),
        ("POST", "/api/v1/cost", {"model": "x", "usage": {"input_tokens": -1}}, "input_tokens"),
        ("POST", "/api/v1/cost", {"model": "x", "usage": {"tokens": 1}}, "tokens"),
        ("POST", "/api/v1/cost", {"model": "x", "usage": {"seconds": "NaN"}}, "seconds"),
        (
            "POST",
            "/api/v1/cost",
            {"model": "openai/gpt-4o", "usage": {"search_context": "vast"}},
            "search_context",
        ),
        ("POST", "/api/v1/breakeven", {"baseline": "anthropic/claude-sonnet-4-5"}, "workload"),
        ("POST", "/api/v1/breakeven", {"requests_per_month": 1, "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_422_with_a_message(
    client: httpx.Client, method: str, path: str, payload: dict[str, Any] | None, needle: str
) -> None:
    answer = client.request(method, path, json=payload)
    assert answer.status_code == 422, answer.text
    got = answer.json()
    assert got["error"] == "bad_input" and got["status"] == 422 and needle in got["message"]


def test_breakeven_is_the_object_of_the_breakeven_command(client: httpx.Client, live: Live) -> None:
    question = {
        "baseline": "anthropic/claude-sonnet-4-5",
        "candidate": "anthropic/claude-haiku-4-5",
        "requests_per_month": 100000,
        "input_tokens": 2000,
        "output_tokens": 300,
        "upfront": 5000.5,  # a JSON number with a fraction is read exactly, never as a float
        "as_of": "2025-11-19",
    }
    got = client.post("/api/v1/breakeven", json=question).json()
    args = [
        "breakeven",
        "--baseline",
        "anthropic/claude-sonnet-4-5",
        "--candidate",
        "anthropic/claude-haiku-4-5",
    ]
    args += ["--requests-per-month", "100000", "--input-tokens", "2000", "--output-tokens", "300"]
    args += ["--upfront", "5000.5", "--as-of", "2025-11-19"]
    assert got == cli_json(*args, db=live.db)
    assert got["upfront_usd"] == "5000.50" and got["verdict"]["pays_back"] is True


def test_answers_carry_an_etag_and_a_match_is_304(client: httpx.Client) -> None:
    first = client.get("/api/v1/prices", params={"vendor": "anthropic"})
    tag = first.headers["etag"]
    assert tag.startswith('"r') and first.headers["cache-control"] == "no-cache"
    again = client.get("/api/v1/prices", params={"vendor": "anthropic"}, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    other = client.get(
        "/api/v1/prices", params={"vendor": "anthropic"}, headers={"If-None-Match": '"r0-old"'}
    )
    assert other.status_code == 200 and other.json() == first.json()
    assert (
        client.post("/api/v1/cost", json={"model": "anthropic/claude-3-haiku", "usage": {}}).headers["etag"]
        == tag
    )


def test_a_past_day_is_long_lived_and_today_is_revalidated(client: httpx.Client) -> None:
    past = client.get("/api/v1/prices", params={"vendor": "anthropic", "as_of": "2025-11-01"})
    assert past.headers["cache-control"] == "public, max-age=86400, immutable"
    today = client.get("/api/v1/prices", params={"vendor": "anthropic", "as_of": TODAY.isoformat()})
    assert today.headers["cache-control"] == "no-cache"
    future = (TODAY + timedelta(days=3)).isoformat()
    assert client.get("/api/v1/prices", params={"as_of": future}).headers["cache-control"] == "no-cache"


def test_openapi_lists_the_public_paths_and_docs_need_no_cdn(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    public = {"/api/v1/prices", "/api/v1/history", "/api/v1/changes", "/api/v1/flags", "/api/v1/vendors"}
    public |= {"/api/v1/runs", "/api/v1/cost", "/api/v1/breakeven", "/feeds/genai-prices/data.json"}
    assert public <= paths
    price_row = spec["paths"]["/api/v1/prices"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert price_row["items"]["properties"]["usd_per_mtok"]["type"] == ["string", "null"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/v1/breakeven" in docs.text
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text.split("<main>")[1]


def test_a_kept_alive_connection_outlives_uvicorns_default_timeout(live: Live) -> None:
    """A client pool or proxy reuses an idle connection: the server must not have closed it after
    uvicorn's default 5 s (the request would fail), so ratecard keeps connections for 75 s."""
    host, port = live.base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        sockets = []
        for pause in (0, 6.5):
            time.sleep(pause)
            conn.request("GET", "/api/v1/runs?limit=1")
            answer = conn.getresponse()  # RemoteDisconnected if the server closed the connection
            answer.read()
            assert answer.status == 200
            sockets.append(conn.sock)
        assert sockets[0] is sockets[1] is not None  # the same connection, not a new one
    finally:
        conn.close()
