"""The server's pure parts (caching rules, the LiteLLM overlay, chart data, row schemas), its
vendored assets, and the `serve` command's edges."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from index_check import disagreements, telling_days
from serving import RATECARD

from ratecard import readmodel
from ratecard.config.settings import load
from ratecard.db_read import open_reader
from ratecard.rows import HistoryRow
from ratecard.runs.read import Run
from ratecard.server import caching, charts, feeds, queries, schemas
from ratecard.server.state import broken

STATIC = Path(__file__).parents[2] / "ratecard" / "server" / "static"
DAY = date(2025, 11, 20)


def run(run_id: int, ended: datetime | None) -> Run:
    return Run(run_id, DAY, datetime(2025, 11, 20, 3, tzinfo=UTC), ended, 0, "schedule", "host", 4242)


def test_the_etag_follows_the_latest_run_the_day_and_the_settings() -> None:
    done = run(7, datetime(2025, 11, 20, 3, 5, tzinfo=UTC))
    tag = caching.tag_for(done, DAY, "abc")
    assert tag.settled and tag.value.startswith('"r7-')
    assert caching.tag_for(run(8, done.ended_at), DAY, "abc").value != tag.value
    assert caching.tag_for(done, date(2025, 11, 21), "abc").value != tag.value  # staleness moves daily
    assert caching.tag_for(done, DAY, "other settings").value != tag.value
    assert not caching.tag_for(run(8, None), DAY, "abc", "running").settled  # still writing: never a 304
    died = caching.tag_for(run(8, None), DAY, "abc", "interrupted")  # its process is gone: nothing more comes
    assert died.settled and died.value != caching.tag_for(run(8, None), DAY, "abc", "running").value
    assert caching.tag_for(None, DAY, "abc").settled


def test_if_none_match_is_compared_weakly_and_as_a_list() -> None:
    assert caching.matches('"a", W/"b"', '"b"')
    assert caching.matches("*", '"x"')
    assert not caching.matches('"a"', '"b"')
    assert not caching.matches(None, '"b"')


def test_only_a_day_before_today_is_long_lived() -> None:
    assert caching.past_day(b"vendor=x&as_of=2025-11-19", DAY)
    assert not caching.past_day(b"as_of=2025-11-20", DAY)
    assert not caching.past_day(b"as_of=garbage", DAY)
    assert caching.cache_control("GET", 200, past=True) == caching.PAST
    assert caching.cache_control("GET", 404, past=True) == "no-cache"
    assert caching.cache_control("POST", 200, past=True) == "no-store"


def test_the_overlay_keeps_every_key_and_litellm_routing_fields() -> None:
    base = {
        "sample_spec": {"mode": "one of..."},
        "m": {"litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": 1e-6, "max_tokens": 9},
        "other": {"mode": "embedding"},
    }
    ours = {
        "m": {"litellm_provider": "x", "mode": "chat", "input_cost_per_token": 2e-6, "ratecard_status": {}},
        "new": {"litellm_provider": "anthropic", "mode": "chat", "output_cost_per_token": 5e-6},
    }
    out = feeds.overlay(base, ours)
    assert set(out) == {"sample_spec", "m", "other", "new"}
    assert out["m"] == {
        "litellm_provider": "anthropic",
        "mode": "chat",
        "input_cost_per_token": 2e-6,
        "max_tokens": 9,
        "ratecard_status": {},
    }
    assert out["new"] == ours["new"] and base["m"]["input_cost_per_token"] == 1e-6  # base untouched


def span(field: str, value: str, start: date, end: date | None, tier: str = "standard") -> HistoryRow:
    return HistoryRow(
        "v", "m", field, tier, Decimal(value), "usd_per_mtok", "verified", start, end, Decimal(value),
        None, "https://x", "0" * 64, 1, datetime(2025, 1, 1, tzinfo=UTC), None,
    )  # fmt: skip


def test_step_chart_holds_each_value_until_the_next_boundary() -> None:
    rows = [
        span("input", "3", date(2025, 10, 1), date(2025, 11, 1)),
        span("input", "2.5", date(2025, 11, 1), None),
        span("output", "15", date(2025, 10, 15), None),
        span("input", "6", date(2025, 10, 1), None, tier="context>200k"),
    ]
    chart = charts.step_chart(rows, date(2025, 12, 1))
    assert [s.label for s in chart.series] == ["input", "input [context>200k]", "output"]
    assert chart.x == [
        charts.epoch(d) for d in (date(2025, 10, 1), date(2025, 10, 15), date(2025, 11, 1), date(2025, 12, 1))
    ]
    assert chart.series[0].values == ["3", "3", "2.5", "2.5"]
    assert chart.series[2].values == [None, "15", "15", "15"]


def test_the_filters_know_every_kind_the_cli_does() -> None:
    from ratecard.commands.changes import ChangeKind
    from ratecard.commands.review import FlagKind

    assert set(queries.FLAG_KINDS) == {k.value for k in FlagKind}
    assert set(queries.CHANGE_KINDS) == {k.value for k in ChangeKind}
    assert set(queries.REAL_CHANGES) < set(queries.CHANGE_KINDS)


def test_svg_is_inlined_without_prolog_or_comments() -> None:
    svg = '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg><!-- label --><g/></svg>'
    assert charts.inline(svg) == "<svg><g/></svg>"


def test_row_schemas_name_output_fields_and_money_as_strings() -> None:
    schema = schemas.row_schema(HistoryRow)
    assert list(schema["properties"])[:9] == [
        "vendor",
        "model",
        "field",
        "tier",
        "value",
        "unit",
        "status",
        "from",
        "to",
    ]
    assert schema["properties"]["value"]["type"] == ["string", "null"]
    assert schema["properties"]["to"] == {"type": ["string", "null"], "format": "date"}


def test_only_driver_errors_retire_a_pooled_connection() -> None:
    import sqlite3

    assert broken(sqlite3.OperationalError("database is locked"))
    assert not broken(LookupError("unknown model"))


def test_vendored_assets_are_the_npm_files_with_their_licences() -> None:
    manifest = (STATIC / "vendor" / "VENDORED.md").read_text()
    listed = re.findall(r"^([0-9a-f]{64})  (\S+)$", manifest, re.MULTILINE)
    assert len(listed) == 5
    for digest, name in listed:
        assert hashlib.sha256((STATIC / "vendor" / name).read_bytes()).hexdigest() == digest, name
    assert "MIT License" in (STATIC / "vendor" / "uplot" / "LICENSE").read_text()
    assert "Zero-Clause BSD" in (STATIC / "vendor" / "htmx" / "LICENSE").read_text()
    for template in (STATIC.parent / "templates").glob("*.html"):
        assert not re.search(r'(src|href)="(https?:)?//', template.read_text()), template.name  # no CDN


def test_query_commands_do_not_import_the_server() -> None:
    code = "import sys, ratecard.cli, ratecard.commands.prices; print('fastapi' in sys.modules, 'uvicorn' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_serve_refuses_a_database_without_ratecard_data(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    done = subprocess.run(
        [RATECARD, "serve", "--db", f"sqlite:///{missing}"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and "no database at" in done.stderr and not missing.exists()
    help_text = subprocess.run(
        [RATECARD, "serve", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for option in ("--host", "--port", "--db", "--workers"):
        assert option in help_text


def test_the_server_imports_neither_scrapy_nor_litellm(demo_db: str) -> None:
    code = (
        "import sys; from fastapi.testclient import TestClient; from ratecard.server.app import create_app\n"
        f"c = TestClient(create_app({demo_db!r}))\n"
        "for path in ('/', '/api/v1/prices', '/feeds/litellm/model_prices_and_context_window.json'):\n"
        "    assert c.get(path).status_code == 200, path\n"
        "print('scrapy' in sys.modules, 'litellm' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


def test_the_books_index_gives_the_rows_prices_reads_on_every_telling_day(demo_db: str) -> None:
    """The demo has what shapes a row besides its span: disputed values (OpenRouter's quarantined
    moves), models no longer listed (OpenAI's narrower page), one removal confirmed by a person, and
    days on which rates go stale."""
    days = [*telling_days(demo_db), date.today()]
    assert disagreements(demo_db, days) == []
    with open_reader(demo_db) as r:
        rows = readmodel.prices(r, date.today(), load(None).stale_after)
    kinds = {"disputed": False, "not listed": False, "stale": False}
    for row in rows:
        kinds["disputed"] |= row.status == "disputed"
        kinds["not listed"] |= "not listed on" in (row.reason or "")
        kinds["stale"] |= row.stale
    assert all(kinds.values()), kinds
