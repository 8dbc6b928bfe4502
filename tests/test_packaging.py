"""Installed ratecard lives under one namespace; the schema comes only from migrations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installs_only_the_ratecard_namespace(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("ratecard-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"ratecard", "ratecard-0.1.0.dist-info"}
    for needed in (
        "ratecard/crawler/spider.py",
        "ratecard/registry/litellm.py",
        "ratecard/config/ratecard.toml",
        "ratecard/migrations/versions/0001_initial_schema.py",
        "ratecard/captures/anthropic/2025-10-25__docs-claude-pricing.md",
        "ratecard/registries/2025-12-29__model_prices_and_context_window.wrapped.json",
    ):
        assert needed in names, needed


def test_generic_names_are_not_importable_at_top_level() -> None:
    names = ("crawler", "registry", "snapshots", "changelog", "breakeven", "parsers", "derive", "app")
    code = f"import importlib.util as u; print([n for n in {names!r} if u.find_spec(n)])"
    out = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_migrations_build_exactly_the_models(db_url: str) -> None:
    """alembic upgrade head yields the schema the models describe: no drift to autogenerate."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ratecard.db import metadata, migrate

    engine = create_engine(db_url)
    migrate(engine)
    migrate(engine)  # idempotent
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    engine.dispose()
    assert diffs == []
    assert version == sorted(p.name for p in (ROOT / "app/migrations/versions").glob("0*.py"))[-1][:4]
