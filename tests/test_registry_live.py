"""The registry a night cross-checks against is today's upstream file, fetched through the crawl."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from helpers import capture, run_captures
from sqlmodel import select

from ratecard.capture_server import Route
from ratecard.crawler.tables import FetchRecord
from ratecard.db import session
from ratecard.registry.tables import CheckRecord, RegistryRead

WRAPPED = (
    Path(__file__).parent
    / "fixtures/registries/litellm/2025-12-29__model_prices_and_context_window.wrapped.json"
)
DAY = date(2025, 11, 19)


def test_upstream_litellm_is_fetched_kept_and_used(engine, settings, raw, server) -> None:
    import json

    body = json.dumps(json.loads(WRAPPED.read_text(encoding="utf-8"))["data"]).encode()
    url = server.add("/model_prices_and_context_window.json", Route(body, content_type="application/json"))
    live = replace(settings, registries=("litellm",), litellm_url=url)
    report = run_captures(engine, live, raw, server, DAY, anthropic=capture("anthropic", "2025-11-19"))
    assert report.exit_code == 0, report.outcomes
    [note] = report.warnings
    assert note.startswith(f"registry litellm: upstream {url} fetched {DAY} (sha256 ")
    with session(engine) as s:
        fetched = s.exec(select(FetchRecord).where(FetchRecord.vendor == "registry:litellm")).one()
        [read] = s.exec(select(RegistryRead)).all()
        agree = s.exec(select(CheckRecord).where(CheckRecord.outcome == "agree")).all()
    assert fetched.url == url and fetched.sha256 and raw.has(fetched.sha256)
    assert (read.registry_name, read.registry_source, read.day) == ("litellm", url, DAY)
    assert len(agree) > 20


def test_a_failing_upstream_falls_back_to_the_installed_copy_and_says_so(
    engine, settings, raw, server
) -> None:
    url = server.add("/gone.json", Route(b"nope", status=404))
    live = replace(settings, registries=("litellm",), litellm_url=url)
    report = run_captures(engine, live, raw, server, DAY, anthropic=capture("anthropic", "2025-11-19"))
    assert report.exit_code == 0, report.outcomes
    [note] = report.warnings
    assert note.startswith("registry litellm: upstream failed (HTTP 404")
    assert "used the installed litellm 1." in note and "(frozen at that release)" in note
    dead = replace(settings, registries=("genai-prices",), genai_prices_url=url)
    again = run_captures(
        engine, dead, raw, server, date(2025, 11, 20), anthropic=capture("anthropic", "2025-11-19")
    )
    assert again.warnings == [
        f"registry genai-prices not cross-checked: upstream {url} failed: HTTP 404 from {url}"
    ]
