"""The CLI as users and their scripts call it: names, JSON fields, formats, help, import weight."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from helpers import capture, run_captures
from typer.main import get_command
from typer.testing import CliRunner

from ratecard.cli import app
from ratecard.db import open_db

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture
def filled(sqlite_url, settings, server) -> str:  # type: ignore[no-untyped-def]
    from ratecard.crawler.rawstore import RawStore
    from ratecard.locations import raw_dir

    engine = open_db(sqlite_url)
    raw = RawStore(raw_dir(sqlite_url))
    for day in ("2025-10-25", "2025-10-29"):
        run_captures(
            engine, settings, raw, server, date.fromisoformat(day), anthropic=capture("anthropic", day)
        )
    run_captures(
        engine, settings, raw, server, date(2025, 12, 29), openrouter=capture("openrouter", "2025-12-29")
    )
    engine.dispose()
    return sqlite_url


def call(*args: str) -> list[dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_prices_json_has_the_public_fields_and_exact_money(filled: str) -> None:
    rows = call(
        "prices",
        "--db",
        filled,
        "--vendor",
        "openrouter",
        "--model",
        "seed-1.6-flash",
        "--as-of",
        "2025-12-29",
        "--format",
        "json",
    )
    row = next(r for r in rows if r["model"] == "bytedance-seed/seed-1.6-flash" and r["field"] == "input")
    for key in (
        "vendor",
        "model",
        "field",
        "usd_per_mtok",
        "status",
        "source_url",
        "fetched_at",
        "last_verified",
    ):
        assert key in row
    assert row["usd_per_mtok"] == "0.075" and row["status"] == "verified"
    assert row["last_verified"] == "2025-12-29" and row["source_url"].startswith("http://127.0.0.1:")


def test_prices_csv_and_table(filled: str) -> None:
    out = runner.invoke(
        app, ["prices", "--db", filled, "--vendor", "anthropic", "--as-of", "2025-10-29", "--format", "csv"]
    )
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    opus = next(r for r in rows if r["model"] == "claude-opus-4-1" and r["field"] == "cache_write_5m")
    assert opus["usd_per_mtok"] == "18.75"
    sonnet37 = next(r for r in rows if r["model"] == "claude-3-7-sonnet" and r["field"] == "input")
    assert sonnet37["attributes"] == "deprecated"
    table = runner.invoke(
        app,
        ["prices", "--db", filled, "--vendor", "anthropic", "--model", "opus-4-1", "--as-of", "2025-10-29"],
    )
    assert "claude-opus-4-1" in table.stdout and "18.75" in table.stdout


def test_stale_is_visible_in_prices(filled: str) -> None:
    rows = call(
        "prices", "--db", filled, "--vendor", "anthropic", "--as-of", "2025-11-19", "--format", "json"
    )
    # Freshness is its own field; status keeps the verification state (issue 14).
    assert {r["stale"] for r in rows} == {True} and {r["age_days"] for r in rows} == {21}
    assert {r["status"] for r in rows} == {"verified", "inferred"}
    assert all("last verified 2025-10-29" in r["reason"] for r in rows if r["reason"])
    table = runner.invoke(app, ["prices", "--db", filled, "--vendor", "anthropic", "--as-of", "2025-11-19"])
    header = table.stdout.splitlines()[1].split()
    assert {"status", "stale"} <= set(header)


def test_changes_history_and_runs(filled: str) -> None:
    changes = call(
        "changes", "--db", filled, "--since", "2025-10-26", "--vendor", "anthropic", "--format", "json"
    )
    assert len(changes) == 9
    for key in ("vendor", "model", "field", "old", "new", "date", "run_id", "source_url"):
        assert key in changes[0]
    removed = next(c for c in changes if c["field"] == "input")
    assert (removed["model"], removed["old"], removed["new"], removed["date"]) == (
        "claude-3-5-sonnet",
        "3",
        None,
        "2025-10-29",
    )
    history = call("history", "claude-3-5-sonnet", "--field", "input", "--db", filled, "--format", "json")
    assert [(h["from"], h["to"], h["usd_per_mtok"]) for h in history] == [("2025-10-25", "2025-10-29", "3")]
    runs = call("runs", "--db", filled, "--format", "json")
    assert [r["date"] for r in runs] == ["2025-12-29", "2025-10-29", "2025-10-25"]
    assert runs[0]["vendors"][0] == {
        "vendor": "openrouter",
        "status": "ok",
        "message": runs[0]["vendors"][0]["message"],
        "models": 353,
        "rates": 920,
        "changes": 920,
    }
    assert runs[0]["vendors"][0]["message"].startswith("note: pricing.image not stored for 2 models")


def _commands() -> dict[str, object]:
    """Every command, loaded the way the CLI loads them (lazily, one module each)."""
    group = get_command(app)
    ctx = group.make_context("ratecard", [], resilient_parsing=True)
    return {name: group.get_command(ctx, name) for name in group.list_commands(ctx)}  # type: ignore[attr-defined]


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, command in _commands().items():
        assert getattr(command, "help", None), f"{name} has no help text"
        assert f"ratecard {name}" in readme, f"{name} is not documented in README.md"
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.stdout


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["prices", "--format", "json"], 0),
        (["changes"], 0),
        (["history", "x"], 2),  # no model matches 'x' in an empty database
        (["runs"], 0),
        (["flags"], 0),
        (["crosscheck"], 0),
    ],
)
def test_query_commands_import_neither_scrapy_nor_litellm(
    args: list[str], exit_code: int, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'q.db'}"
    open_db(db).dispose()  # an existing (empty) database: read commands never create one
    code = (
        "import sys\nfrom ratecard.cli import app\n"
        f"try:\n    app({[*args, '--db', db]!r})\nexcept SystemExit as e:\n    assert (e.code or 0) == {exit_code}, e.code\n"
        "heavy = [m for m in ('scrapy', 'twisted', 'litellm') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_config_file_is_merged_vendor_by_vendor(tmp_path: Path) -> None:
    from ratecard.config.settings import load

    user = tmp_path / "mine.toml"
    user.write_text('[vendors.anthropic]\nstart_urls = ["http://127.0.0.1:8000/pricing.md"]\n')
    merged, bundled = load(user), load(None)
    assert merged.vendors["anthropic"].start_urls == ("http://127.0.0.1:8000/pricing.md",)
    assert merged.vendors["anthropic"].parser == "anthropic"
    assert merged.vendors["openrouter"] == bundled.vendors["openrouter"]


def test_bad_config_exits_with_the_config_code(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[settings]\nnot_a_key = 1\n")
    result = runner.invoke(app, ["prices", "--config", str(bad), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 78


@pytest.mark.parametrize(
    "args",
    [
        ["prices"],
        ["history", "claude-sonnet-4-5"],
        ["changes"],
        ["flags"],
        ["vendors"],
        ["cost", "anthropic/claude-sonnet-4-5", "--input-tokens", "1"],
        ["export", "--format", "json"],
    ],
    ids=lambda a: a[0],
)
def test_a_missing_database_is_one_line_and_never_created(args: list[str], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "ratecard.db"
    result = runner.invoke(app, [*args, "--db", f"sqlite:///{missing}"])
    assert result.exit_code == 78, result.output
    assert f"no database at {missing}" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not missing.parent.exists()


# --- Queries answer what was asked (issue 14). ---


def test_repeated_vendor_options_all_count(filled: str) -> None:
    both = call(
        "prices",
        "--db",
        filled,
        "--vendor",
        "anthropic",
        "--vendor",
        "openrouter",
        "--as-of",
        "2025-12-29",
        "--format",
        "json",
    )
    assert {r["vendor"] for r in both} == {"anthropic", "openrouter"}
    changes = call(
        "changes", "--db", filled, "--vendor", "anthropic", "--vendor", "openrouter", "--format", "json"
    )
    assert {c["vendor"] for c in changes} == {"anthropic", "openrouter"}
    flags = call(
        "flags",
        "--db",
        filled,
        "--vendor",
        "openrouter",
        "--vendor",
        "anthropic",
        "--as-of",
        "2026-01-10",
        "--format",
        "json",
    )
    assert {f["vendor"] for f in flags} == {"anthropic", "openrouter"}


@pytest.mark.parametrize(
    "args",
    [
        ["prices", "--vendor", "nosuch"],
        ["changes", "--vendor", "nosuch"],
        ["flags", "--vendor", "nosuch"],
        ["history", "gpt-4o", "--vendor", "nosuch"],
        ["crosscheck", "--vendor", "nosuch"],
        ["export", "--format", "json", "--vendor", "nosuch"],
    ],
)
def test_an_unknown_vendor_is_one_usage_error_listing_the_configured_ones(
    filled: str, args: list[str]
) -> None:
    result = runner.invoke(app, [*args, "--db", filled])
    assert result.exit_code == 2, result.output
    assert "unknown vendor 'nosuch'; configured: anthropic, azure," in result.output


def test_an_unknown_registry_is_a_usage_error(filled: str) -> None:
    result = runner.invoke(app, ["crosscheck", "--registry", "nosuch", "--db", filled])
    assert (
        result.exit_code == 2 and "unknown registry 'nosuch'; known: litellm, genai-prices" in result.output
    )


def test_changes_until_and_kind_and_history_vendor_and_as_of(filled: str) -> None:
    removed = call(
        "changes", "--db", filled, "--until", "2025-10-29", "--kind", "model_removed", "--format", "json"
    )
    assert removed and {c["kind"] for c in removed} == {"model_removed"}
    assert max(c["date"] for c in removed) <= "2025-10-29"
    everything = call("changes", "--db", filled, "--until", "2025-10-28", "--format", "json")
    assert {c["date"] for c in everything} == {"2025-10-25"}
    sonnet = call(
        "history",
        "claude-3-5-sonnet",
        "--vendor",
        "anthropic",
        "--field",
        "input",
        "--db",
        filled,
        "--format",
        "json",
    )
    assert [(h["from"], h["to"]) for h in sonnet] == [("2025-10-25", "2025-10-29")]
    known_then = call(
        "history",
        "claude-3-5-sonnet",
        "--field",
        "input",
        "--as-of",
        "2025-10-27",
        "--db",
        filled,
        "--format",
        "json",
    )
    assert [(h["from"], h["to"]) for h in known_then] == [
        ("2025-10-25", None)
    ]  # the removal was not known yet
    # OpenRouter has no model of that id: a usage error naming what it may mean, not an empty answer
    other = runner.invoke(app, ["history", "claude-3-5-sonnet", "--vendor", "openrouter", "--db", filled])
    assert other.exit_code == 2
    assert "no model matches 'claude-3-5-sonnet'; did you mean: " in other.output
    assert "openrouter/anthropic/claude-3.5-sonnet" in other.output


def test_prices_and_history_resolve_names_like_cost(filled: str) -> None:
    """One resolver: a unique suffix is named on stderr, a suffix of two vendors' ids is ambiguous
    (the candidates listed), a typo is no model (with suggestions), never "no rates"."""
    by_suffix = runner.invoke(app, ["history", "3-5-sonnet", "--field", "input", "--db", filled])
    assert by_suffix.exit_code == 0, by_suffix.output
    assert "note: '3-5-sonnet' is anthropic/claude-3-5-sonnet (by unique suffix)" in by_suffix.stderr
    ambiguous = runner.invoke(app, ["history", "sonnet-4", "--db", filled])
    assert ambiguous.exit_code == 2
    assert (
        "'sonnet-4' matches several models (unique suffix): anthropic/claude-sonnet-4, " in ambiguous.output
    )
    assert "openrouter/anthropic/claude-sonnet-4;" in ambiguous.output
    typo = runner.invoke(app, ["prices", "--model", "sonnet 4.5", "--db", filled])
    assert typo.exit_code == 2 and "no model matches 'sonnet 4.5'; did you mean: " in typo.output
    assert "anthropic/claude-sonnet-4-5" in typo.output and "no rates" not in typo.output
    early = runner.invoke(
        app, ["prices", "--model", "claude-sonnet-4-5", "--as-of", "2020-01-01", "--db", filled]
    )
    assert (early.exit_code, early.stdout) == (0, "no rates as of 2020-01-01\n")
