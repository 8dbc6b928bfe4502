"""`ratecard export`: real captures replayed through Scrapy, exported in each format, read back."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from helpers import FAST, capture, new_pg_db, price_rows, run_captures
from typer.testing import CliRunner

from ratecard.capture_server import CaptureServer, Route
from ratecard.cli import app
from ratecard.config.settings import load
from ratecard.crawler.rawstore import RawStore
from ratecard.db import open_db, session
from ratecard.exports.litellm import aliases
from ratecard.registry.load import read_registry

D1, D2, CHANGE, OPENROUTER = date(2025, 10, 25), date(2025, 10, 29), date(2025, 11, 10), date(2025, 12, 29)
HAIKU = "claude-haiku-4-5"
MIRROR = {"name": "A reseller mirroring Anthropic's page", "parser": "anthropic", "start_urls": ["http://x/"]}
LONG = date(2025, 11, 19)
LITELLM = (
    Path(__file__).parent
    / "fixtures/registries/litellm/2025-12-29__model_prices_and_context_window.wrapped.json"
)


def raised_haiku_input(body: str) -> str:
    """The 2025-10-29 page with one price edited: Claude Haiku 4.5 input $1 -> $1.25 / MTok."""
    row = next(line for line in body.splitlines() if line.startswith("| Claude Haiku 4.5"))
    assert "\\$1 / MTok" in row
    return body.replace(row, row.replace("\\$1 / MTok", "\\$1.25 / MTok", 1), 1)


def replay_history(url: str, raw: RawStore) -> None:
    """Anthropic on 10-25 and 10-29 (real), on 11-10 with one price raised; OpenRouter on 12-29.

    A second vendor ("mirror") reads Anthropic's page on 10-25, so bare model ids are ambiguous.
    """
    settings = load(None, {**FAST, "vendors": {"mirror": MIRROR}})
    engine = open_db(url)
    page = raised_haiku_input(capture("anthropic", "2025-10-29").read_text(encoding="utf-8"))
    with CaptureServer() as server:
        edited = server.add("/edited/pricing.md", Route(page.encode(), content_type="text/markdown"))
        days: list[tuple[date, dict[str, Path | str]]] = [
            (
                D1,
                {
                    "anthropic": capture("anthropic", "2025-10-25"),
                    "mirror": capture("anthropic", "2025-10-25"),
                },
            ),
            (D2, {"anthropic": capture("anthropic", "2025-10-29")}),
            (CHANGE, {"anthropic": edited}),
            (OPENROUTER, {"openrouter": capture("openrouter", "2025-12-29")}),
        ]
        for day, captures in days:
            report = run_captures(engine, settings, raw, server, day, **captures)
            assert report.exit_code == 0, report.outcomes
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def history(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The database URL of the replayed history, built once per backend for the module's tests."""
    tmp = tmp_path_factory.mktemp("history")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("RATECARD_CONFIG", "RATECARD_DB", "RATECARD_RAW_DIR"):
            mp.delenv(var, raising=False)
        if request.param == "sqlite":
            url = f"sqlite:///{tmp / 'ratecard.db'}"
            replay_history(url, RawStore(tmp / "raw"))
            yield url
            return
        url, drop = new_pg_db(request.getfixturevalue("pg_server"))
        try:
            replay_history(url, RawStore(tmp / "raw"))
            yield url
        finally:
            drop()


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Anthropic's real 2025-11-19 page replayed and cross-checked against a copy of LiteLLM's map."""
    tmp = tmp_path_factory.mktemp("checked")
    url = f"sqlite:///{tmp / 'ratecard.db'}"
    with pytest.MonkeyPatch.context() as mp:
        for var in ("RATECARD_CONFIG", "RATECARD_DB", "RATECARD_RAW_DIR"):
            mp.delenv(var, raising=False)
        settings = replace(load(None, FAST), registries=(str(LITELLM),))
        engine = open_db(url)
        with CaptureServer() as server:
            page = capture("anthropic", "2025-11-19")
            report = run_captures(engine, settings, RawStore(tmp / "raw"), server, LONG, anthropic=page)
        engine.dispose()
    assert report.exit_code == 0, report.outcomes
    return url


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def export(url: str, fmt: str, day: date, *more: str) -> str:
    return cli("export", "--format", fmt, "--as-of", day.isoformat(), "--db", url, *more)


def test_json_export_is_the_prices_rows_with_status_and_provenance(history: str) -> None:
    day = date(2025, 11, 12)
    text = export(history, "json", day, "--vendor", "anthropic")
    assert text == cli(
        "prices", "-f", "json", "--as-of", day.isoformat(), "--vendor", "anthropic", "--db", history
    )
    rows = json.loads(text)
    haiku = next(r for r in rows if r["model"] == HAIKU and r["field"] == "input")
    assert (haiku["usd_per_mtok"], haiku["since"], haiku["status"]) == ("1.25", "2025-11-10", "verified")
    assert haiku["source_url"].endswith("/edited/pricing.md") and len(haiku["fetch_sha256"]) == 64
    assert {"reason", "last_verified", "fetched_at"} <= haiku.keys()


def test_csv_export_has_the_prices_header_and_one_row_per_model_field(history: str) -> None:
    text = export(history, "csv", D2, "--vendor", "anthropic")
    prices = cli("prices", "-f", "csv", "--as-of", D2.isoformat(), "--vendor", "anthropic", "--db", history)
    assert text.splitlines()[0] == prices.splitlines()[0]
    rows = list(csv.DictReader(io.StringIO(text)))
    keys = [(r["model"], r["field"], r["tier"]) for r in rows]
    assert (
        len(keys) == len(set(keys)) == len(json.loads(export(history, "json", D2, "--vendor", "anthropic")))
    )
    haiku = next(r for r in rows if (r["model"], r["field"]) == (HAIKU, "input"))
    assert (haiku["usd_per_mtok"], haiku["status"]) == ("1", "verified")


def litellm_fragment(url: str, day: date, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / f"litellm-{day}.json"
    assert export(url, "litellm", day, "--vendor", "anthropic", "-o", str(out)) == ""
    doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return doc


def test_litellm_export_is_per_token_floats_with_tier_and_batch_keys(history: str, tmp_path: Path) -> None:
    doc = litellm_fragment(history, CHANGE, tmp_path)
    haiku, sonnet = doc[HAIKU], doc["claude-sonnet-4-5"]
    assert (haiku["litellm_provider"], haiku["mode"]) == ("anthropic", "chat")
    assert haiku["input_cost_per_token"] == 1.25e-06 and haiku["output_cost_per_token"] == 5e-06
    assert haiku["cache_read_input_token_cost"] == 1e-07
    assert haiku["cache_creation_input_token_cost"] == 1.25e-06
    assert (
        haiku["input_cost_per_token_batches"] == 5e-07 and haiku["output_cost_per_token_batches"] == 2.5e-06
    )
    assert sonnet["input_cost_per_token_above_200k_tokens"] == 6e-06
    assert sonnet["output_cost_per_token_above_200k_tokens"] == 2.25e-05
    prices = [v for entry in doc.values() for k, v in entry.items() if "cost" in k]
    assert prices and all(type(v) is float for v in prices)
    assert litellm_fragment(history, D2, tmp_path)[HAIKU]["input_cost_per_token"] == 1e-06


def test_litellm_prices_a_request_as_ratecard_cost_does(
    history: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # litellm must not go online
    import litellm

    day = date(2025, 11, 12)
    litellm.register_model(litellm_fragment(history, day, tmp_path))
    for model, (fresh, cached, out) in {
        HAIKU: (1234, 5678, 910),
        "claude-opus-4-1": (77, 0, 100_003),
    }.items():
        ours = json.loads(
            cli(
                "cost",
                f"anthropic/{model}",
                "--input-tokens",
                str(fresh),
                "--output-tokens",
                str(out),
                "--cached-input-tokens",
                str(cached),
                "--at",
                day.isoformat(),
                "-f",
                "json",
                "--db",
                history,
            )
        )
        prompt, completion = litellm.cost_per_token(
            model=model,
            prompt_tokens=fresh + cached,
            completion_tokens=out,
            cache_read_input_tokens=cached,
            custom_llm_provider="anthropic",
        )
        theirs, total = Decimal(repr(prompt + completion)), Decimal(ours["total_usd"])
        assert abs(theirs - total) <= total * Decimal("1e-12"), (model, theirs, total)


def test_litellm_export_repeats_a_model_under_the_key_litellm_knows_it_by(
    checked: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = litellm_fragment(checked, LONG, tmp_path)
    theirs = json.loads(LITELLM.read_text(encoding="utf-8"))["data"]
    assert "claude-3-5-haiku" not in theirs  # LiteLLM knows it only by its dated id
    assert doc["claude-3-5-haiku-20241022"] == doc["claude-3-5-haiku"]
    assert doc["claude-3-opus-20240229"] == doc["claude-3-opus"]
    one_hour = "cache_creation_input_token_cost_above_1hr"  # LiteLLM's is stale: 6e-06
    assert (theirs["claude-3-5-haiku-20241022"][one_hour], doc["claude-3-5-haiku-20241022"][one_hour]) == (
        6e-06,
        1.6e-06,
    )
    assert [k for k in doc if k.startswith("claude-sonnet-4-5")] == ["claude-sonnet-4-5"]  # exact match
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # litellm must not go online
    import litellm

    litellm.register_model(doc)
    assert litellm.model_cost["claude-3-5-haiku-20241022"][one_hour] == 1.6e-06


def test_a_matched_key_two_models_claim_or_another_entry_owns_is_not_written() -> None:
    keys = {("a", "m1"): "m1", ("a", "m2"): "m2", ("a", "m3"): "m3"}
    matched = {("a", "m1"): {"m1", "m1-0101"}, ("a", "m2"): {"shared", "m3"}, ("a", "m3"): {"shared"}}
    assert aliases(keys, matched) == {"m1-0101": "m1"}


def run_export(url: str, fmt: str, day: date, *more: str) -> tuple[str, str]:
    result = CliRunner().invoke(app, ["export", "-f", fmt, "--as-of", day.isoformat(), "--db", url, *more])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_litellm_marks_inferred_rates_and_verified_only_leaves_them_out(checked: str) -> None:
    text, notes = run_export(checked, "litellm", LONG)
    sonnet = json.loads(text)["claude-sonnet-4-5"]
    status = sonnet["ratecard_status"]
    assert set(status) == {k for k in sonnet if "cost" in k}
    derived = status["cache_read_input_token_cost_above_200k_tokens"]
    assert derived.startswith("inferred: cache_read = 0.1 × input")
    assert status["input_cost_per_token_above_200k_tokens"] == "verified"
    assert "inferred or stale rate(s) included, marked in each entry's ratecard_status" in notes
    text, notes = run_export(checked, "litellm", LONG, "--verified-only")
    strict = json.loads(text)["claude-sonnet-4-5"]
    assert "cache_read_input_token_cost_above_200k_tokens" not in strict
    assert strict["input_cost_per_token_above_200k_tokens"] == 6e-06
    assert set(strict["ratecard_status"].values()) == {"verified"}
    assert "left out" in notes and "(--verified-only)" in notes


def test_stale_rates_are_marked_and_left_out_on_request(history: str) -> None:
    day = date(2025, 11, 5)  # Anthropic last verified on 10-29: stale after 3 days
    doc = json.loads(export(history, "litellm", day, "--vendor", "anthropic"))
    assert doc[HAIKU]["ratecard_status"]["input_cost_per_token"].startswith("stale: last verified 2025-10-29")
    assert json.loads(export(history, "litellm", day, "--vendor", "anthropic", "--verified-only")) == {}
    assert json.loads(export(history, "json", day, "--vendor", "anthropic", "--verified-only")) == []
    later = date(2025, 11, 12)  # the mirror was last verified on 10-25, Anthropic on 11-10
    _, everything = genai_doc(history, later)
    mirrored = models_of(everything, "mirror")[HAIKU]["price_comments"]
    assert "ratecard: stale, last verified 2025-10-25" in mirrored
    assert "stale" not in models_of(everything, "anthropic")[HAIKU].get("price_comments", "")
    _, strict = genai_doc(history, later, "--verified-only")
    assert [p["id"] for p in strict] == ["anthropic"]


def test_genai_prices_names_inferred_rates_and_verified_only_leaves_them_out(checked: str) -> None:
    _, doc = genai_doc(checked, LONG)
    sonnet = models_of(doc, "anthropic")["claude-sonnet-4-5"]
    assert "cache_read: cache_read = 0.1 × input" in sonnet["price_comments"]
    prices = sonnet["prices"][0]["prices"]
    assert prices["cache_read_mtok"]["tiers"] == [{"start": 200000, "price": Decimal("0.6")}]
    _, strict_doc = genai_doc(checked, LONG, "--verified-only")
    strict = models_of(strict_doc, "anthropic")["claude-sonnet-4-5"]
    assert "price_comments" not in strict
    assert strict["prices"][0]["prices"]["cache_read_mtok"] == Decimal("0.3")
    assert strict["prices"][0]["prices"]["input_mtok"] == prices["input_mtok"]  # verified tiers stay


def genai_doc(url: str, day: date, *more: str) -> tuple[bytes, list[dict[str, Any]]]:
    text = export(url, "genai-prices", day, *more)
    doc: list[dict[str, Any]] = json.loads(text, parse_float=Decimal)
    return text.encode(), doc


def models_of(doc: list[dict[str, Any]], vendor: str) -> dict[str, dict[str, Any]]:
    provider = next(p for p in doc if p["id"] == vendor)
    return {m["id"]: m for m in provider["models"]}


def test_genai_prices_export_carries_the_history_as_start_dates(history: str) -> None:
    _, doc = genai_doc(history, date(2026, 1, 1))
    assert {p["id"] for p in doc} == {"anthropic", "mirror", "openrouter"}
    anthropic = next(p for p in doc if p["id"] == "anthropic")
    assert anthropic["name"] == "Anthropic" and anthropic["api_pattern"] and anthropic["pricing_urls"]
    haiku = models_of(doc, "anthropic")[HAIKU]
    assert haiku["match"]["or"][0] == {"equals": HAIKU}  # and HAIKU + a date: see test_export_genai_prices
    assert [(e["constraint"], e["prices"]["input_mtok"]) for e in haiku["prices"]] == [
        ({"start_date": "2025-10-25"}, Decimal("1")),
        ({"start_date": "2025-11-10"}, Decimal("1.25")),
    ]
    assert haiku["prices"][1]["prices"] == {
        "input_mtok": Decimal("1.25"),
        "cache_write_mtok": Decimal("1.25"),
        "cache_read_mtok": Decimal("0.1"),
        "output_mtok": Decimal("5"),
        "cache_write_1h_mtok": Decimal("2"),
    }
    assert haiku["price_variants"][0]["when"] == {"processing": "batch"}  # the page's batch prices
    sonnet = models_of(doc, "anthropic")["claude-sonnet-4-5"]["prices"][0]["prices"]
    assert sonnet["input_mtok"] == {"base": Decimal("3"), "tiers": [{"start": 200000, "price": Decimal("6")}]}
    retired = models_of(doc, "anthropic")["claude-3-5-sonnet"]["prices"]  # removed on 10-29, kept
    assert [e["constraint"]["start_date"] for e in retired] == ["2025-10-25"]


def test_genai_prices_export_as_of_a_date_knows_only_the_history_until_then(history: str) -> None:
    _, doc = genai_doc(history, D2, "--vendor", "anthropic")
    assert [p["id"] for p in doc] == ["anthropic"]
    assert len(models_of(doc, "anthropic")[HAIKU]["prices"]) == 1


@pytest.mark.parametrize("day", [date(2025, 10, 27), date(2025, 11, 12)])
def test_genai_prices_reader_reads_our_export_back_at_two_dates(history: str, day: date) -> None:
    text, _ = genai_doc(history, date(2026, 1, 1), "--vendor", "anthropic")
    registry = read_registry(text, "ratecard-export.json", at=day)
    assert registry.name == "genai-prices"
    with session(open_db(history)) as s:
        rows = price_rows(s, day, {}, vendor="anthropic")
    wanted = {
        "input",
        "output",
        "cache_read",
        "cache_write_5m",
        "cache_write_1h",
        "batch_input",
        "batch_output",
    }
    expected: dict[str, dict[tuple[str, str], Decimal]] = {}
    for r in rows:
        if r["field"] in wanted and r["tier"] in ("standard", "context>200k"):
            expected.setdefault(f"anthropic/{r['model']}", {})[r["field"], r["tier"]] = r["value"]
    read = {
        k: dict(e.prices)
        for k, e in registry.entries.items()
        if k.removeprefix("anthropic/") in {r["model"] for r in rows} and e.prices
    }
    assert read == expected  # tool ids (web-search) carry no token price: nothing to read back
    assert read[f"anthropic/{HAIKU}"]["input", "standard"] == (
        Decimal("1") if day < CHANGE else Decimal("1.25")
    )


def test_export_writes_a_file_and_names_every_format_in_its_help(history: str, tmp_path: Path) -> None:
    out = tmp_path / "rates.csv"
    result = CliRunner().invoke(
        app, ["export", "-f", "csv", "--as-of", "2025-11-12", "--db", history, "-o", str(out)]
    )
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("vendor,model,field,tier,usd_per_mtok")
    help_text = CliRunner().invoke(app, ["export", "--help"]).stdout
    assert all(f in help_text for f in ("json", "csv", "litellm", "genai-prices", "--as-of", "--vendor"))
    assert all(w in help_text for w in ("--verified-only", "ratecard_status", "price_comments", "floats"))
    missing = CliRunner().invoke(app, ["export", "--db", history])
    assert missing.exit_code == 2  # --format is required: an export is never a guess


_PROBE = (
    "import json, sys\n"
    "from ratecard.cli import app\n"
    "code = app(sys.argv[1:], standalone_mode=False)\n"
    "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'scrapy', 'twisted', 'litellm'})\n"
    "print(json.dumps({'loaded': loaded, 'exit': code or 0}), file=sys.stderr)\n"
)


@pytest.mark.parametrize(
    "args",
    [
        ["cost", f"anthropic/{HAIKU}", "--input-tokens", "10", "--output-tokens", "5", "--at", "2025-11-12"],
        ["export", "--format", "litellm", "--as-of", "2025-11-12"],
        ["export", "--format", "genai-prices", "--as-of", "2025-11-12"],
        ["export", "--format", "csv", "--as-of", "2025-11-12"],
    ],
)
def test_export_and_cost_import_neither_scrapy_nor_litellm(history: str, args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args, "--db", history], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stderr.splitlines()[-1]) == {"loaded": [], "exit": 0}, done.stderr
    assert len(done.stdout) > 100  # the command really ran and printed its answer
