"""Installed ratecard lives under one namespace; the schema comes only from migrations."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installs_only_the_ratecard_namespace(tmp_path: Path) -> None:
    # --no-build-isolation: the build backend is the locked setuptools in this venv; nothing is fetched.
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run([*build, str(ROOT), "-w", str(tmp_path)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("ratecard-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    _check_wheel_requirements(zipfile.ZipFile(wheel).read("ratecard-0.1.0.dist-info/METADATA").decode())
    assert {n.split("/")[0] for n in names} == {"ratecard", "ratecard-0.1.0.dist-info"}
    packages = sorted(str(init.parent.relative_to(ROOT)) for init in _package_inits(ROOT / "ratecard"))
    assert len(packages) >= 13
    for package in packages:
        assert f"{package}/__init__.py" in names, f"{package} is a package in the repo but not in the wheel"
    for needed in (
        "ratecard/crawler/spider.py",
        "ratecard/registry/litellm.py",
        "ratecard/config/ratecard.toml",
        "ratecard/migrations/versions/0001_initial_schema.py",
        "ratecard/captures/anthropic/2025-10-25__docs-claude-pricing.md",
        "ratecard/registries/2025-12-29__model_prices_and_context_window.wrapped.json",
        "ratecard/server/templates/base.html",
        "ratecard/server/static/app.css",
        "ratecard/server/static/vendor/uplot/uPlot.iife.min.js",
        "ratecard/server/static/vendor/htmx/htmx.min.js",
    ):
        assert needed in names, needed


def _check_wheel_requirements(metadata: str) -> None:
    """What pip sees when it installs the wheel elsewhere: the web stack, and no malicious litellm."""
    requires: dict[str, Requirement] = {}
    for line in metadata.splitlines():
        if line.startswith("Requires-Dist:"):
            req = Requirement(line.split(":", 1)[1].strip())
            if req.marker is None:  # runtime, not an extra
                requires[canonicalize_name(req.name)] = req
    for name in ("fastapi", "uvicorn", "jinja2", "python-multipart", "litellm", "scrapy"):
        assert name in requires, f"{name} is not a runtime requirement of the wheel"
    for dev_only in ("pytest", "playwright", "genai-prices"):
        assert dev_only not in requires, f"{dev_only} would be installed on servers"
    for bad in ("1.82.7", "1.82.8"):
        assert not requires["litellm"].specifier.contains(bad), f"the wheel admits litellm {bad}"


def _package_inits(root: Path) -> list[Path]:
    """Every ``__init__.py`` below ``root``, following the links to the stage folders."""
    found = []
    for folder, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = [d for d in dirs if d not in {"__pycache__", "captures", "registries"}]
        if "__init__.py" in files:
            found.append(Path(folder) / "__init__.py")
    return found


def test_every_import_path_is_a_file_in_the_repository() -> None:
    """``ratecard.x.y`` is ``ratecard/x/y.py`` in the checkout: what tools and readers open."""
    import ratecard.crawler.spider
    import ratecard.readmodel

    for module in (ratecard.crawler.spider, ratecard.readmodel):
        assert module.__file__ is not None
        assert Path(module.__file__).is_relative_to(ROOT / "ratecard"), module.__file__
    for stage in (
        "crawler",
        "parsers",
        "registry",
        "snapshots",
        "changelog",
        "breakeven",
        "config",
        "derive",
    ):
        link = ROOT / "ratecard" / stage
        assert link.is_symlink() and str(link.readlink()) == f"../{stage}", stage
        assert (ROOT / stage / "__init__.py").is_file()


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
    assert version == sorted(p.name for p in (ROOT / "ratecard/migrations/versions").glob("0*.py"))[-1][:4]
