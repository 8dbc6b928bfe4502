"""`ratecard raw stats` and `ratecard raw prune`: the raw store against the fetch log, and retention."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from helpers import capture, run_captures
from sqlalchemy import Engine, func, update
from sqlmodel import select
from typer.testing import CliRunner, Result

from ratecard.capture_server import CaptureServer, route_for
from ratecard.cli import app
from ratecard.config.settings import Settings
from ratecard.crawler.rawstore import RawStore, sha256
from ratecard.crawler.tables import FetchRecord
from ratecard.db import session
from ratecard.rawstats import Fetch, judge

D1, D3 = date(2025, 10, 25), date(2025, 11, 19)
OLD = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _raw_dir(monkeypatch: pytest.MonkeyPatch, raw: RawStore) -> None:
    """The CLI finds the same raw store the pipeline wrote to, on either backend."""
    monkeypatch.setenv("RATECARD_RAW_DIR", str(raw.root))


def raw_cli(*args: str) -> Result:
    return CliRunner().invoke(app, ["raw", *args])


def stats_json(db_url: str) -> dict[str, int]:
    result = raw_cli("stats", "--format", "json", "--db", db_url)
    assert result.exit_code == 0, result.output
    found: dict[str, int] = json.loads(result.stdout)
    return found


def test_the_same_body_three_days_is_three_fetches_and_one_file(
    engine: Engine, db_url: str, settings: Settings, raw: RawStore, server: CaptureServer
) -> None:
    page = capture("anthropic", D3.isoformat())
    for day in (date(2025, 11, 20), date(2025, 11, 21), date(2025, 11, 22)):
        run_captures(engine, settings, raw, server, day, anthropic=page)
    size = len(page.read_bytes())
    found = stats_json(db_url)
    assert found["fetch_rows"] == found["rows_with_body"] == 3
    assert found["distinct_bodies"] == found["files"] == 1
    assert found["bytes_fetched"] == 3 * size
    assert 0 < found["bytes_stored"] < size
    assert found["orphan_files"] == found["missing_rows"] == found["pruned_rows"] == 0

    orphan = raw.put(b"a body no fetch row points to")
    raw.delete(sha256(page.read_bytes()))
    found = stats_json(db_url)
    assert (found["files"], found["orphan_files"]) == (1, 1)
    assert (found["missing_rows"], found["pruned_rows"]) == (3, 0)
    assert raw.has(orphan)
    table = raw_cli("stats", "--db", db_url).stdout
    assert "fetch rows whose body is missing" in table and "orphan files" in table


def serve_as(server: CaptureServer, day: date) -> str:
    """Anthropic's capture of ``day`` at one fixed URL, as the live page changes under its address."""
    return server.add("/anthropic/pricing.md", route_for(capture("anthropic", day.isoformat())))


def test_prune_deletes_only_old_bodies_that_nothing_needs(
    engine: Engine, db_url: str, settings: Settings, raw: RawStore, server: CaptureServer
) -> None:
    for day in (D1, D3):
        assert (
            run_captures(engine, settings, raw, server, day, anthropic=serve_as(server, day)).exit_code == 0
        )
    first, last = (sha256(capture("anthropic", d.isoformat()).read_bytes()) for d in (D1, D3))
    stale = raw.put(b"# Pricing\n\nan old copy of the page that no rate came from\n")
    with session(engine) as s:
        s.exec(update(FetchRecord).values(fetched_at=OLD))
        row = s.exec(select(FetchRecord)).first()
        assert row is not None
        s.add(FetchRecord(run_id=row.run_id, vendor="anthropic", url=row.url, sha256=stale, size=60,
                       status=200, fetched_at=OLD - timedelta(days=30)))  # fmt: skip
        s.commit()

    dry = raw_cli("prune", "--older-than", "30", "--dry-run", "--db", db_url)
    assert dry.exit_code == 0, dry.output
    assert raw.has(stale) and raw.has(first) and raw.has(last)
    assert f"would delete {stale} anthropic" in dry.stdout
    assert dry.stdout.splitlines()[-1].startswith(
        "would delete 1 body (60 bytes fetched); kept 2 still needed"
    )
    kept_first = next(line for line in dry.stdout.splitlines() if first in line)
    kept_last = next(line for line in dry.stdout.splitlines() if last in line)
    assert kept_first.startswith("kept ") and "rate spans" in kept_first and "latest fetch" not in kept_first
    assert kept_last.startswith("kept ") and "latest fetch of its URL" in kept_last

    done = raw_cli("prune", "--older-than", "30", "--db", db_url)
    assert done.exit_code == 0, done.output
    assert f"deleted {stale} anthropic" in done.stdout and "nothing cites it" in done.stdout
    assert not raw.has(stale) and raw.has(first) and raw.has(last)
    with session(engine) as s:
        assert s.exec(select(func.count()).select_from(FetchRecord)).one() == 3  # fetch rows stay
    found = stats_json(db_url)
    assert (found["pruned_rows"], found["missing_rows"]) == (1, 0)
    again = raw_cli("prune", "--older-than", "30", "--db", db_url)
    assert stale not in again.stdout and "deleted 0 bodies" in again.stdout


def test_recent_cited_and_current_bodies_are_kept_with_their_reason() -> None:
    cutoff = datetime(2025, 6, 1, tzinfo=UTC)
    old, older = cutoff - timedelta(days=1), cutoff - timedelta(days=2)

    def fetch(digest: str, url: str, when: datetime) -> Fetch:
        return Fetch(digest * 64, "v", url, when, 10)

    history = [
        fetch("a", "/p", older),  # superseded on /p, cited by nothing: goes
        fetch("b", "/p", old),  # latest of /p
        fetch("c", "/q", older),  # superseded on /q but an anomaly points at it
        fetch("d", "/q", old),
        fetch("e", "/q", cutoff),  # fetched on the cutoff itself: recent
    ]
    verdicts = {
        v.newest.sha256[0]: v.kept_because for v in judge(history, {"c" * 64: ["cited by 1 anomaly"]}, cutoff)
    }
    assert verdicts == {
        "a": [],
        "b": ["latest fetch of its URL"],
        "c": ["cited by 1 anomaly"],
        "d": [],
        "e": ["fetched since 2025-06-01 00:00 UTC", "latest fetch of its URL"],
    }


_PROBE = (
    "import json, sys\n"
    "from ratecard.cli import app\n"
    "code = app(sys.argv[1:], standalone_mode=False)\n"
    "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'scrapy', 'twisted', 'litellm'})\n"
    "print(json.dumps({'loaded': loaded, 'exit': code or 0}), file=sys.stderr)\n"
)


def test_raw_stats_imports_neither_scrapy_nor_litellm(sqlite_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "raw", "stats", "--format", "json", "--db", sqlite_url],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stderr.splitlines()[-1]) == {"loaded": [], "exit": 0}, done.stderr
    assert json.loads(done.stdout)["fetch_rows"] == 0


def test_prune_needs_an_age(sqlite_url: str) -> None:
    assert raw_cli("prune", "--db", sqlite_url).exit_code == 2
    assert raw_cli("prune", "--older-than", "-1", "--db", sqlite_url).exit_code == 2
