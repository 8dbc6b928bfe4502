"""The pages in a real browser (Chromium via Playwright) against a real `ratecard serve`: charts
draw, tables hold what the API says, forms answer, and hostile model ids stay text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from serving import CONFIRMED, HOSTILE, REFUSED, Live, hostile_ids, newest_capture_day

from ratecard import safe
from ratecard.server.queries import REAL_CHANGES

ALERT_TRAP = "window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));"


@pytest.fixture
def page(browser: Any, live: Live, screenshots: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page that records errors, alerts and every request it makes; screenshot at the end."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.add_init_script(ALERT_TRAP)
    tab.errors, tab.requests = [], []
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.on("request", lambda r: tab.requests.append(r.url))
    try:
        yield tab
    finally:
        name = request.node.name.replace("/", "_").replace("[", "_").replace("]", "")[:80]
        tab.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
        context.close()


def model_path(vendor: str, model: str) -> str:
    return f"/models/{quote(vendor, safe='')}/{quote(model, safe='/')}"


def cells(tab: Any, selector: str) -> list[list[str]]:
    rows: list[list[str]] = tab.eval_on_selector_all(
        selector, "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent.trim()))"
    )
    return rows


def only_local(tab: Any, live: Live) -> None:
    assert tab.requests and all(u.startswith((live.base, "data:")) for u in tab.requests)
    assert tab.errors == []


def test_home_shows_vendor_health_real_changes_and_flags(page: Any, live: Live, client: httpx.Client) -> None:
    page.goto(live.url("/"))
    vendors = cells(page, "#vendors tbody tr")
    assert len(vendors) == len(client.get("/api/v1/vendors").json())
    anthropic = next(r for r in vendors if "anthropic" in r[0])
    assert anthropic[2] == "0" and anthropic[5] == "ok"  # verified today
    assert next(r for r in vendors if "azure" in r[0])[5] == "never"
    kinds = {r[5] for r in cells(page, "#latest-changes tbody tr")}
    assert kinds and kinds <= set(REAL_CHANGES)  # first sightings of whole models are not news
    counts = page.inner_text("#flag-counts")
    assert all(f"{kind}:" in counts for kind in ("anomaly", "disputed", "not-listed", "stale"))
    only_local(page, live)


def test_prices_page_filters_and_shows_provenance(page: Any, live: Live, client: httpx.Client) -> None:
    page.goto(live.url("/prices"))
    page.select_option("select[name=vendor]", "anthropic")
    page.fill("input[name=model]", "haiku")
    page.click("form.filters button")
    page.wait_for_url("**/prices?vendor=anthropic&model=haiku*")
    rows = cells(page, "#prices tbody tr")
    api = client.get("/api/v1/prices", params={"vendor": "anthropic", "model": "haiku"}).json()
    assert [(r[1], r[2], r[3], r[4], r[6]) for r in rows] == [
        (a["model"], a["field"], a["tier"], a["value"], a["status"]) for a in api
    ]
    sha = page.get_attribute("#prices tbody tr:first-child code.sha", "title")
    assert sha == api[0]["fetch_sha256"]
    assert page.get_attribute("#prices tbody tr:first-child a.src", "href") == api[0]["source_url"]


@pytest.mark.parametrize(
    ("vendor", "model"), [("anthropic", "claude-sonnet-4-5"), ("openrouter", "anthropic/claude-sonnet-4.5")]
)
def test_model_page_charts_every_field_and_tables_every_span(
    page: Any, live: Live, client: httpx.Client, vendor: str, model: str
) -> None:
    history = client.get("/api/v1/history", params={"model": model, "vendor": vendor}).json()
    history = [h for h in history if h["model"] == model]
    priced = {
        (h["field"], h["tier"]) for h in history if h["unit"] == "usd_per_mtok" and h["value"] is not None
    }
    page.goto(live.url(model_path(vendor, model)))
    page.wait_for_selector("#price-chart[data-drawn=true]")
    assert page.get_attribute("#price-chart", "data-series") == str(len(priced))
    assert page.locator("#price-chart canvas").count() == 1
    assert page.locator("#price-chart .u-legend tr.u-series").count() == len(priced) + 1  # + the x axis
    rows = cells(page, "#spans tbody tr")
    assert [(r[0], r[1], r[2], r[4].split()[0], r[5], r[6], r[7], r[9]) for r in rows] == [
        (
            h["field"],
            h["tier"],
            h["value"] or "",
            h["status"],
            h["from"],
            h["to"] or "",
            h["source_url"],
            h["fetch_sha256"],
        )
        for h in history
    ]
    only_local(page, live)


def latest_ends(rows: list[list[str]]) -> set[str]:
    """The "to" cell of each (field, tier)'s latest span ("" while it is in force)."""
    latest: dict[tuple[str, str], list[str]] = {}
    for r in sorted(rows, key=lambda r: r[5]):
        latest[r[0], r[1]] = r
    return {r[6] for r in latest.values()}


@pytest.mark.parametrize(
    ("vendor", "model", "ended"),
    [
        ("anthropic", "claude-3-5-sonnet", "2025-10-29"),  # its page stopped listing it: removed
        (*CONFIRMED, newest_capture_day("openai").isoformat()),  # a narrower page dropped it; confirmed
    ],
)
def test_a_removed_model_shows_when_its_spans_ended(
    page: Any, live: Live, vendor: str, model: str, ended: str
) -> None:
    page.goto(live.url(model_path(vendor, model)))
    page.wait_for_selector("#price-chart[data-drawn=true]")
    assert latest_ends(cells(page, "#spans tbody tr")) == {ended}
    assert page.locator("#not-listed").count() == 0


def test_a_model_a_narrower_page_dropped_is_kept_and_says_so(page: Any, live: Live) -> None:
    page.goto(live.url(model_path("openai", "gpt-4o")))
    page.wait_for_selector("#price-chart[data-drawn=true]")
    assert latest_ends(cells(page, "#spans tbody tr")) == {""}  # still in force
    note = page.inner_text("#not-listed")
    assert (
        f"since {newest_capture_day('openai')}" in note and "ratecard confirm-removed openai gpt-4o" in note
    )


def test_stale_rates_are_marked_on_the_model_page(page: Any, live: Live) -> None:
    page.goto(live.url(model_path("openai", "gpt-4o")))
    current = [r[4] for r in cells(page, "#spans tbody tr") if r[6] == ""]  # spans still in force
    priced = [s for s in current if not s.startswith("not_offered")]
    assert priced and all(s.endswith("stale") for s in priced)
    assert all(not s.endswith("stale") for s in current if s.startswith("not_offered"))


def test_cost_form_answers_like_the_api(page: Any, live: Live, client: httpx.Client) -> None:
    page.goto(live.url("/cost"))
    page.fill("input[name=model]", "anthropic/claude-haiku-4-5")
    page.fill("input[name=input_tokens]", "120000")
    page.fill("input[name=output_tokens]", "4000")
    page.fill("input[name=cache_read_tokens]", "30000")
    page.click("#cost-form button")
    page.wait_for_selector("#total-usd")
    usage = {"input_tokens": 120000, "output_tokens": 4000, "cache_read_tokens": 30000}
    api = client.post("/api/v1/cost", json={"model": "anthropic/claude-haiku-4-5", "usage": usage}).json()
    assert page.inner_text("#total-usd") == f"${api['total_usd']}"
    assert page.url == live.url("/cost")  # htmx swapped the answer in; the form stayed filled
    assert page.input_value("input[name=model]") == "anthropic/claude-haiku-4-5"


def test_breakeven_form_gives_the_verdict_with_its_chart(page: Any, live: Live, client: httpx.Client) -> None:
    question = {
        "baseline": "anthropic/claude-sonnet-4-5",
        "candidate": "anthropic/claude-haiku-4-5",
        "requests_per_month": "100000",
        "input_tokens": "2000",
        "output_tokens": "300",
        "upfront": "5000",
    }
    page.goto(live.url("/breakeven"))
    for name, value in question.items():
        page.fill(f"#breakeven-form input[name={name}]", value)
    page.click("#breakeven-form button[type=submit]")
    page.wait_for_selector("#verdict")
    api = client.post("/api/v1/breakeven", json=question).json()
    assert page.inner_text("#verdict") == api["verdict"]["summary"]
    assert page.inner_text("#monthly-savings") == f"${api['monthly_savings_usd']}"
    assert page.locator("#breakeven-chart svg").count() == 1
    assert page.locator("#rates-used tbody tr").count() == len(api["rates_used"])
    only_local(page, live)


def test_breakeven_form_says_what_is_missing(page: Any, live: Live) -> None:
    page.goto(live.url("/breakeven"))
    page.fill("#breakeven-form input[name=baseline]", "anthropic/claude-sonnet-4-5")
    page.click("#breakeven-form button[type=submit]")
    page.wait_for_selector("#result .error")
    assert "workload" in page.inner_text("#result .error")


@pytest.mark.parametrize("model", hostile_ids(), ids=[f"hostile{i}" for i in range(len(HOSTILE))])
def test_hostile_model_ids_are_shown_as_text(page: Any, live: Live, model: str) -> None:
    page.goto(live.url(model_path("openrouter", model)))
    page.wait_for_selector("#price-chart[data-drawn=true]")
    assert page.inner_text("#model-id") == safe.visible(model)
    assert page.evaluate("window.__alerts") == []
    assert page.locator("img").count() == 0  # no markup from the id became an element
    scripts = page.eval_on_selector_all("script[src]", "s => s.map(x => x.getAttribute('src'))")
    assert all(src.startswith("/static/") for src in scripts)
    assert page.locator("script:not([src])").count() == 1  # only the chart's JSON data block
    assert "49" not in page.inner_text("h1")  # {{ 7*7 }} is not evaluated
    page.goto(live.url("/prices?vendor=openrouter&model=evil/"))
    shown = {r[1] for r in cells(page, "#prices tbody tr")}
    assert shown == set(hostile_ids())  # the refused one is not among them
    assert page.evaluate("window.__alerts") == [] and page.locator("img").count() == 0
    only_local(page, live)


@pytest.mark.parametrize("model", hostile_ids(REFUSED))
def test_a_model_id_with_control_characters_is_refused_by_name(client: httpx.Client, model: str) -> None:
    runs = sorted(client.get("/api/v1/runs").json(), key=lambda r: r["run_id"])
    said = [v["message"] or "" for r in runs for v in r["vendors"] if v["vendor"] == "openrouter"]
    assert f"note: refused model '{safe.visible(model)}'" in said[0]  # named, its escapes shown as text
    assert not any("\x1b" in m for m in said)
    assert client.get("/api/v1/history", params={"model": model}).json() == []  # never stored
    stored = {r["model"] for r in client.get("/api/v1/prices", params={"model": "evil/"}).json()}
    assert stored == set(hostile_ids())
    answer = client.get(model_path("openrouter", model))
    assert answer.status_code == 404 and "\x1b" not in answer.text


def test_pages_carry_a_content_security_policy(client: httpx.Client) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy


def test_an_unknown_model_page_is_404_naming_similar_ones(client: httpx.Client) -> None:
    answer = client.get("/models/anthropic/claude-sonnet")
    assert answer.status_code == 404 and "text/html" in answer.headers["content-type"]
    assert "/models/anthropic/claude-sonnet-4-5" in answer.text
