"""Storage faults are named, not thrown: read-only or full data folders, database, lock and raw store.

Each case runs the real `ratecard run` in a subprocess against a capture on 127.0.0.1, with its data
on a small tmpfs this test mounts (root only: CI runs as root; elsewhere these are skipped). Every
case must exit 74 with one line naming the path, no traceback, no stray temporary file, and a run
row that is either not created or closed with 74.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import capture, write_config

from ratecard.capture_server import CaptureServer
from ratecard.db import open_db

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("mount"), reason="needs root to mount tmpfs"
)
EXIT_STORAGE = 74


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A mount point for small tmpfs filesystems, unmounted afterwards whatever happens."""
    point = tmp_path / "mnt"
    point.mkdir()
    yield point
    subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def mount(point: Path, *options: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(point)], check=True)


def remount_ro(point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)


def ratecard(*args: str, env: dict[str, str], user: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from ratecard.cli import main; main()", *args]
    if user:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture
def page(server: CaptureServer) -> str:
    return server.add_capture("anthropic", capture("anthropic", "2025-11-19"))


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RATECARD_")}
    env["RATECARD_DATA_DIR"] = str(tmp_path / "data")
    env.update(extra)
    return env


def assert_named(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == EXIT_STORAGE, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("cannot "), result.stderr
    for word in words:
        assert word in line, line


def runs(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute("SELECT id, exit_code, ended_at IS NOT NULL FROM runs"))


def test_a_read_only_data_folder(tmp_path: Path, tmpfs: Path, page: str) -> None:
    mount(tmpfs, "size=1m")
    remount_ro(tmpfs)
    config = write_config(tmp_path / "c.toml", anthropic=page)
    result = ratecard(
        "run", "--config", str(config), env=base_env(tmp_path, RATECARD_DATA_DIR=str(tmpfs / "data"))
    )
    assert_named(result, str(tmpfs / "data"), "Read-only file system")


def test_a_read_only_database_file(tmp_path: Path, tmpfs: Path, page: str) -> None:
    mount(tmpfs, "size=4m")
    db = tmpfs / "ratecard.db"
    open_db(f"sqlite:///{db}").dispose()
    remount_ro(tmpfs)
    config = write_config(tmp_path / "c.toml", anthropic=page)
    result = ratecard("run", "--config", str(config), "--db", f"sqlite:///{db}", env=base_env(tmp_path))
    assert_named(result, str(tmpfs))
    assert runs(db) == []  # not created


def test_an_unwritable_lock_file(tmp_path: Path, page: str) -> None:
    db = tmp_path / "ratecard.db"
    open_db(f"sqlite:///{db}").dispose()
    lock = tmp_path / "ratecard.db.lock"
    lock.write_text("")
    subprocess.run(["mount", "--bind", str(lock), str(lock)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(lock)], check=True)
        config = write_config(tmp_path / "c.toml", anthropic=page)
        result = ratecard("run", "--config", str(config), "--db", f"sqlite:///{db}", env=base_env(tmp_path))
    finally:
        subprocess.run(["umount", "-l", str(lock)], capture_output=True, check=False)
    assert_named(result, str(lock), "Read-only file system")
    assert runs(db) == []


def test_a_full_disk_before_the_run_row_is_written(tmp_path: Path, tmpfs: Path, page: str) -> None:
    mount(tmpfs, "size=2m")
    db = tmpfs / "ratecard.db"
    open_db(f"sqlite:///{db}").dispose()
    filler = tmpfs / "filler"
    try:  # fill every remaining block
        with filler.open("wb") as out:
            while True:
                out.write(b"\0" * 4096)
                out.flush()
    except OSError:
        pass
    config = write_config(tmp_path / "c.toml", anthropic=page)
    result = ratecard("run", "--config", str(config), "--db", f"sqlite:///{db}", env=base_env(tmp_path))
    assert_named(result, str(tmpfs / "ratecard.db"), "No space left on device")
    filler.unlink()
    assert runs(db) == []


def test_a_full_raw_store_names_it_leaves_no_temp_file_and_closes_the_run(
    tmp_path: Path, tmpfs: Path, page: str
) -> None:
    mount(tmpfs, "size=64k")
    (tmpfs / "filler").write_bytes(b"\0" * (60 * 1024))
    db = tmp_path / "ratecard.db"
    config = write_config(tmp_path / "c.toml", anthropic=page)
    env = base_env(tmp_path, RATECARD_RAW_DIR=str(tmpfs / "raw"))
    result = ratecard("run", "--config", str(config), "--db", f"sqlite:///{db}", env=env)
    assert_named(result, "raw store", str(tmpfs / "raw"), "No space left on device")
    assert not [p for p in tmpfs.rglob("*") if ".tmp" in p.name]
    assert [(code, ended) for _, code, ended in runs(db)] == [(EXIT_STORAGE, 1)]
