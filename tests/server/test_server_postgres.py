"""`ratecard serve --workers 2` on PostgreSQL: the same rows as the CLI, and a backfill writing
underneath while clients read, without an error, after which the ETag moves on."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from helpers import new_pg_db
from serving import TODAY, Live, archive, backfill, run_cli, start, stop

from ratecard.captures import bundled_dir
from ratecard.server import caching

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_live(pg_server: str, tmp_path_factory: pytest.TempPathFactory, config_file: Path) -> Iterator[Live]:
    url, drop = new_pg_db(pg_server)
    root = tmp_path_factory.mktemp("pg")
    backfill(url, archive(root / "archive", ("anthropic",), hostile=False, today=False), config_file)
    server = start(url, "--workers", "2")
    try:
        yield server
    finally:
        stop(server)
        drop()


def test_postgres_answers_are_the_cli_rows(pg_live: Live) -> None:
    with httpx.Client(base_url=pg_live.base, timeout=60) as client:
        rows = client.get("/api/v1/prices", params={"vendor": "anthropic", "as_of": "2025-11-19"}).json()
        cli = run_cli(
            "prices", "--vendor", "anthropic", "--as-of", "2025-11-19", "--db", pg_live.db, "--format", "json"
        )
        assert rows == json.loads(cli.stdout) and len(rows) > 50
        body = {"model": "claude-sonnet-4-5", "usage": {"input_tokens": 100_000}, "at": "2025-11-19"}
        assert client.post("/api/v1/cost", json=body).json()["total_usd"] == "0.3"


def test_a_backfill_writes_while_clients_read(pg_live: Live, config_file: Path, tmp_path: Path) -> None:
    statuses: list[int] = []
    stop_reading = threading.Event()

    def read() -> None:
        with httpx.Client(base_url=pg_live.base, timeout=60) as client:
            while not stop_reading.is_set():
                statuses.append(client.get("/api/v1/prices", params={"vendor": "anthropic"}).status_code)
                statuses.append(client.get("/models/anthropic/claude-sonnet-4-5").status_code)

    with httpx.Client(base_url=pg_live.base, timeout=60) as client:
        before = client.get("/api/v1/vendors").headers["etag"]
        readers = [threading.Thread(target=read) for _ in range(4)]
        for t in readers:
            t.start()
        today = tmp_path / "today" / "anthropic"
        today.mkdir(parents=True)
        latest = bundled_dir() / "anthropic" / "2025-11-19__docs-claude-pricing.md"
        shutil.copy(latest, today / f"{TODAY}__docs-claude-pricing.md")
        try:
            backfill(pg_live.db, today.parent, config_file)
        finally:
            stop_reading.set()
            for t in readers:
                t.join()
        assert len(statuses) > 10 and set(statuses) == {200}
        time.sleep(caching.TAG_TTL + 0.1)  # the server looks the latest run up at most once a second
        after = client.get("/api/v1/vendors")
        assert after.headers["etag"] != before
        assert client.get("/api/v1/vendors", headers={"If-None-Match": before}).status_code == 200
        assert (
            client.get("/api/v1/vendors", headers={"If-None-Match": after.headers["etag"]}).status_code == 304
        )
        anthropic = next(v for v in after.json() if v["vendor"] == "anthropic")
        assert anthropic["last_verified"] == TODAY.isoformat() and anthropic["stale"] is False
