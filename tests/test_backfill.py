"""`ratecard backfill DIR`: an archive of dated captures written exactly as nightly runs write it."""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from helpers import CAPTURES, FAST, capture, new_pg_db, run_captures
from sqlalchemy import Engine
from sqlmodel import col, select
from typer.testing import CliRunner, Result

from ratecard.backfill import ArchiveError, serve, survey
from ratecard.capture_server import CaptureServer
from ratecard.captures import scan
from ratecard.changelog.tables import ChangeRecord
from ratecard.cli import app
from ratecard.config.settings import Settings
from ratecard.crawler.rawstore import RawStore
from ratecard.db import open_db, session
from ratecard.demo import replay
from ratecard.derive.tables import AnomalyRecord
from ratecard.outcome import EXIT_CONFIG, EXIT_OK, EXIT_USAGE, EXIT_VENDOR_FAILED
from ratecard.runs.tables import RunRecord
from ratecard.snapshots.tables import RateSpan

VENDORS = ("anthropic", "deepseek", "openrouter")
D1, D3 = date(2025, 10, 25), date(2025, 11, 19)


def write_config(path: Path) -> Path:
    """Fast crawling and no registry cross-check: the comparison is about history, not registries."""
    lines = ["[settings]", *(f"{k} = {json.dumps(v)}" for k, v in FAST["settings"].items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def backfill(tmp_path: Path, directory: Path, *args: str) -> Result:
    cfg = write_config(tmp_path / "fast.toml")
    return CliRunner().invoke(app, ["backfill", str(directory), "--config", str(cfg), *args])


def history(engine: Engine) -> dict[str, Any]:
    """What a backfill must reproduce: spans, changes and anomalies, URLs reduced to their paths."""
    with session(engine) as s:
        spans = s.exec(select(RateSpan)).all()
        changes = s.exec(select(ChangeRecord).order_by(col(ChangeRecord.id))).all()
        anomalies = s.exec(select(AnomalyRecord).order_by(col(AnomalyRecord.id))).all()
    return {
        "spans": {
            (r.vendor, r.model, r.field, r.tier, r.value, r.status, r.valid_from, r.valid_to) for r in spans
        },
        "changes": [
            (c.effective_date, c.vendor, c.model, c.field, c.tier, c.kind, c.old, c.new) for c in changes
        ],
        "anomalies": [(a.date, a.vendor, a.model, a.field, a.tier, a.kind, a.old, a.new) for a in anomalies],
        "span_paths": {(r.vendor, r.model, r.field, r.tier, urlsplit(r.source_url).path) for r in spans},
        "change_paths": [urlsplit(c.source_url or "").path for c in changes],
        "span_hosts": {(r.vendor, r.model, r.field, r.tier, urlsplit(r.source_url).hostname) for r in spans},
    }


@pytest.fixture
def second_url(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """Another empty database on the same backend as ``db_url``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'steps.db'}"
        return
    url, drop = new_pg_db(request.getfixturevalue("pg_server"))
    try:
        yield url
    finally:
        drop()


def test_backfill_writes_the_same_history_as_night_by_night_runs(
    tmp_path: Path,
    db_url: str,
    second_url: str,
    settings: Settings,
    server: CaptureServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RATECARD_RAW_DIR", str(tmp_path / "raw-backfill"))
    picked = [arg for v in VENDORS for arg in ("--vendor", v)]
    result = backfill(tmp_path, CAPTURES, *picked, "--db", db_url)
    # OpenRouter's 2026-03-30 list moves three list prices >10x: quarantined, so that vendor-day fails.
    assert result.exit_code == EXIT_VENDOR_FAILED, result.output
    dated = [c for c in scan(CAPTURES, set(VENDORS)) if c.day is not None]
    lines = [line for line in result.stdout.splitlines() if line[:4].isdigit()]
    assert [line.split(":")[0] for line in lines] == [f"{c.day} {c.vendor}" for c in dated]
    [failed] = [line for line in lines if "FAILED" in line]
    assert failed.startswith("2026-03-30 openrouter: FAILED: openrouter: 3 value(s) quarantined")
    assert "skipped" not in result.stdout  # the selected vendors' folders hold only dated captures

    steps = open_db(second_url)
    for day in sorted({c.day for c in dated if c.day}):
        today = {c.vendor: c.path for c in dated if c.day == day}
        run_captures(steps, settings, RawStore(tmp_path / "raw-steps"), server, day, **today)

    backfilled = open_db(db_url)
    archived, nightly = history(backfilled), history(steps)
    assert {k: v for k, v in archived.items() if not k.endswith(("paths", "hosts"))} == {
        k: v for k, v in nightly.items() if not k.endswith(("paths", "hosts"))
    }
    # Provenance: the archive's rates cite the vendors' own pages (its manifests), not the local
    # server that replayed them; the night-by-night runs here fetched from 127.0.0.1 and cite that.
    assert {host for *_, host in archived["span_hosts"]} == {
        "docs.claude.com",
        "platform.claude.com",
        "api-docs.deepseek.com",
        "openrouter.ai",
    }
    assert {host for *_, host in nightly["span_hosts"]} == {"127.0.0.1"}
    assert len(history(steps)["changes"]) > 1000
    with session(backfilled) as s:
        runs = s.exec(select(RunRecord)).all()
    assert {r.trigger for r in runs} == {"backfill"}
    assert [r.date for r in runs] == sorted({c.day for c in dated if c.day})
    backfilled.dispose()
    steps.dispose()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A small archive in the shape of shared/fixtures/real, with the clutter real archives have."""
    root = tmp_path / "archive"
    (root / "anthropic").mkdir(parents=True)
    (root / "litellm").mkdir()
    shutil.copy(capture("anthropic", D3.isoformat()), root / "anthropic" / f"{D3}__docs-claude-pricing.md")
    (root / "anthropic" / "undated__excerpt.html").write_text("<p>no date</p>")
    (root / "anthropic" / "notes.txt").write_text("where these came from")
    (root / "litellm" / "2025-12-29__model_prices.json").write_text("{}")
    (root / "SOURCES.tsv").write_text("file\tsource\n")
    return root


def test_other_folders_and_undated_files_are_skipped_and_reported(
    tmp_path: Path, archive: Path, sqlite_url: str
) -> None:
    result = backfill(tmp_path, archive, "--db", sqlite_url)
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout.splitlines()[:3] == [
        "skipped litellm/: not a configured vendor",
        "skipped anthropic/notes.txt: not named YYYY-MM-DD__name.ext",
        "skipped anthropic/undated__excerpt.html: undated",
    ]
    assert f"{D3} anthropic: ok, 11 models, 81 rates, 81 changes" in result.stdout
    assert "backfilled 1 date(s) (2025-11-19 .. 2025-11-19): 1 vendor-days ok, 0 failed" in result.stdout


def test_an_older_date_with_other_rates_is_that_vendors_failure(
    tmp_path: Path, archive: Path, sqlite_url: str
) -> None:
    assert backfill(tmp_path, archive, "--db", sqlite_url).exit_code == EXIT_OK
    older = tmp_path / "older"
    (older / "anthropic").mkdir(parents=True)
    shutil.copy(capture("anthropic", D1.isoformat()), older / "anthropic" / f"{D1}__docs-claude-pricing.md")
    result = backfill(tmp_path, older, "--db", sqlite_url)
    assert result.exit_code == EXIT_VENDOR_FAILED
    assert f"{D1} anthropic: FAILED: anthropic: " in result.stdout
    assert "re-parse to rewrite history" in result.stdout


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (lambda a: a / "anthropic", "'anthropic' is itself a vendor folder: pass its parent"),
        (lambda a: a / "litellm", "has no folder named after a configured vendor"),
        (lambda a: a / "missing", "is not a directory"),
    ],
)
def test_an_unknown_layout_is_a_clear_error(
    tmp_path: Path, archive: Path, sqlite_url: str, where: Any, message: str
) -> None:
    result = backfill(tmp_path, where(archive), "--db", sqlite_url)
    assert result.exit_code == EXIT_USAGE
    assert message in " ".join(result.stderr.split())
    assert "DIR/<vendor>/YYYY-MM-DD__name.ext" in " ".join(result.stderr.split())


def test_vendor_filter_names_configured_vendors_only(tmp_path: Path, archive: Path, sqlite_url: str) -> None:
    assert backfill(tmp_path, archive, "--vendor", "nope", "--db", sqlite_url).exit_code == EXIT_CONFIG
    result = backfill(tmp_path, archive, "--vendor", "openai", "--db", sqlite_url)
    assert result.exit_code == EXIT_USAGE and "no dated captures of openai" in result.stderr


def test_survey_keeps_dated_captures_of_the_selected_vendors(archive: Path) -> None:
    found = survey(archive, {"anthropic", "openai"}, ["anthropic", "openai"])
    assert [(c.vendor, c.day) for c in found.captures] == [("anthropic", D3)]
    assert "openai: no folder in " + str(archive) in found.skipped
    with pytest.raises(ArchiveError, match="no dated captures of openai"):
        survey(archive, {"anthropic", "openai"}, ["openai"])


def test_azure_slices_of_one_day_are_served_as_one_paged_api(server: CaptureServer) -> None:
    slices = [c for c in scan(CAPTURES, {"azure"}) if c.day is not None]
    lines = sum(1 for c in slices for line in c.path.read_text(encoding="utf-8").splitlines() if line.strip())
    [(url, first)] = serve(server, "azure", slices)
    assert first == slices[0]
    items, pages = 0, 0
    next_url: str | None = url
    while next_url:
        with urllib.request.urlopen(next_url) as answer:
            doc = json.loads(answer.read())
        items, pages, next_url = items + len(doc["Items"]), pages + 1, doc["NextPageLink"]
    assert items == lines and pages == -(-lines // 100)


def test_demo_is_a_backfill_recorded_as_demo(
    tmp_path: Path, archive: Path, sqlite_url: str, settings: Settings
) -> None:
    engine = open_db(sqlite_url)
    reports = replay(engine, settings, RawStore(tmp_path / "raw"), archive)
    assert [(r.day, [o.vendor for o in r.outcomes], r.exit_code) for r in reports] == [(D3, ["anthropic"], 0)]
    with session(engine) as s:
        assert [r.trigger for r in s.exec(select(RunRecord)).all()] == ["demo"]
    engine.dispose()


def test_every_bundled_capture_cites_a_readable_page_from_its_manifest() -> None:
    """Each bundled vendor folder has a manifest, and every dated capture in it cites an http(s)
    page: a comment after the URL dropped, spaces in a query (Azure's OData filter) encoded."""
    from ratecard import manifest
    from ratecard.captures import bundled_dir

    root = bundled_dir()
    entries = manifest.read(root)
    vendors = sorted(p.name for p in root.iterdir() if p.is_dir())
    assert all((root / v / "SOURCES.tsv").is_file() for v in vendors), vendors
    dated = [
        (v, p.name) for v in vendors for p in (root / v).iterdir() if p.is_file() and p.name[:4].isdigit()
    ]
    missing = [d for d in dated if not (entries.get(d) and entries[d].url)]
    assert missing == []
    azure = entries["azure", "2025-08-25__retail-prices-cognitive-services__effective-2025-06-01.ndjson"]
    assert azure.url == (
        "https://prices.azure.com/api/retail/prices?$filter=serviceName%20eq%20'Cognitive%20Services'"
    )
    assert all(" " not in (e.url or "") for e in entries.values())
