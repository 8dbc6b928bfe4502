"""Shared fixtures: real SQLite files, a real PostgreSQL server, real captures served over HTTP."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import FAST, new_pg_db
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine

from ratecard.capture_server import CaptureServer
from ratecard.config.settings import Settings, load
from ratecard.crawler.rawstore import RawStore
from ratecard.db import open_db
from ratecard.locations import raw_dir

# Property tests explore a fixed, reproducible set of examples: CI never fails by chance.
hypothesis_settings.register_profile("ratecard", derandomize=True, deadline=None, max_examples=200)
hypothesis_settings.load_profile("ratecard")


def _pg_bindir() -> Path | None:
    env = os.environ.get("PG_BINDIR")
    candidates = [Path(env)] if env else sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    return next((c for c in candidates if (c / "initdb").exists()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster (initdb --auth=trust) on a free port; yields its base URL.

    PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
    """
    bindir = _pg_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries not found: CI must run the PostgreSQL tests")
        pytest.skip("PostgreSQL is not installed here")
    root = Path(tempfile.mkdtemp(prefix="ratecard-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()
    run = lambda *a: subprocess.run([*prefix, *a], check=True, capture_output=True, text=True)  # noqa: E731
    run(str(bindir / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: an SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ratecard.db'}"
        return
    url, drop = new_pg_db(request.getfixturevalue("pg_server"))
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ratecard.db'}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = open_db(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def raw(db_url: str) -> RawStore:
    """The raw store the CLI would use for ``db_url`` (beside an SQLite file, else the data dir)."""
    return RawStore(raw_dir(db_url))


@pytest.fixture
def settings() -> Settings:
    return load(None, FAST)


@pytest.fixture
def server() -> Iterator[CaptureServer]:
    with CaptureServer() as srv:
        yield srv


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the user's config, database or data directory."""
    for var in ("RATECARD_CONFIG", "RATECARD_DB", "RATECARD_RAW_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("RATECARD_DATA_DIR", str(tmp_path / "data"))
