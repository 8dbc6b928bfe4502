"""`ratecard export`: real captures replayed through Scrapy, exported in each format, read back."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FAST, _new_pg_db, capture
from helpers import run_captures
from typer.testing import CliRunner

from ratecard.cli import app
from ratecard.config.settings import load
from ratecard.crawler.rawstore import RawStore
from ratecard.db import open_db, session
from ratecard.query import price_rows
from ratecard.registry.load import read_registry
from ratecard.replay import ReplayServer, Route

D1, D2, CHANGE, OPENROUTER = date(2025, 10, 25), date(2025, 10, 29), date(2025, 11, 10), date(2025, 12, 29)
HAIKU = "claude-haiku-4-5"
MIRROR = {"name": "A reseller mirroring Anthropic's page", "parser": "anthropic", "start_urls": ["http://x/"]}


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
    with ReplayServer() as server:
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
        url, drop = _new_pg_db(request.getfixturevalue("pg_server"))
        try:
            replay_history(url, RawStore(tmp / "raw"))
            yield url
        finally:
            drop()


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
    assert haiku["match"] == {"equals": HAIKU}
    assert [(e["constraint"], e["prices"]["input_mtok"]) for e in haiku["prices"]] == [
        ({"start_date": "2025-10-25"}, Decimal("1")),
        ({"start_date": "2025-11-10"}, Decimal("1.25")),
    ]
    assert haiku["prices"][1]["prices"] == {
        "input_mtok": Decimal("1.25"),
        "cache_write_mtok": Decimal("1.25"),
        "cache_read_mtok": Decimal("0.1"),
        "output_mtok": Decimal("5"),
    }
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
    wanted = {"input", "output", "cache_read", "cache_write_5m"}
    expected: dict[str, dict[tuple[str, str], Decimal]] = {}
    for r in rows:
        if r["field"] in wanted and r["tier"] in ("standard", "context>200k"):
            expected.setdefault(f"anthropic/{r['model']}", {})[r["field"], r["tier"]] = r["value"]
    read = {
        k: dict(e.prices)
        for k, e in registry.entries.items()
        if k.removeprefix("anthropic/") in {r["model"] for r in rows}
    }
    assert read == expected
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
