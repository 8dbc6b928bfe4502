"""The bundled vendor list agrees with the parsers and captures, and a user file merges over it."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from pathlib import Path

import pytest

import ratecard.parsers
from ratecard.captures import MANIFEST, bundled_dir, scan
from ratecard.config.settings import ConfigError, Settings, load

LOCAL_URL = "http://127.0.0.1:8000/pricing.md"


def _vendor_modules() -> dict[str, str]:
    """Parser modules that declare a VENDOR (helpers such as ``markdown`` do not): name -> VENDOR."""
    out: dict[str, str] = {}
    for info in pkgutil.iter_modules(ratecard.parsers.__path__):
        module = importlib.import_module(f"ratecard.parsers.{info.name}")
        vendor = getattr(module, "VENDOR", None)
        if isinstance(vendor, str):
            out[info.name] = vendor
    return out


@pytest.fixture
def bundled() -> Settings:
    return load()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ratecard.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_configured_vendor_has_its_own_parser_module(bundled: Settings) -> None:
    modules = _vendor_modules()
    for vid, vendor in bundled.vendors.items():
        assert vendor.parser in modules, f"[vendors.{vid}] names parser {vendor.parser!r}: no such module"
        assert modules[vendor.parser] == vid, f"parsers/{vendor.parser}.py declares another VENDOR"


def test_every_parser_module_with_a_vendor_is_configured(bundled: Settings) -> None:
    configured = {v.parser for v in bundled.vendors.values()}
    assert set(_vendor_modules()) <= configured


def test_the_helper_modules_are_not_mistaken_for_vendors() -> None:
    modules = _vendor_modules()
    assert "anthropic" in modules and "base" not in modules and "markdown" not in modules


def test_every_configured_vendor_has_a_bundled_capture(bundled: Settings) -> None:
    found = {c.vendor for c in scan(bundled_dir())}
    assert set(bundled.vendors) <= found, sorted(set(bundled.vendors) - found)


def test_every_capture_folder_is_a_configured_vendor(bundled: Settings) -> None:
    folders = {p.name for p in bundled_dir().iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert folders <= set(bundled.vendors), sorted(folders - set(bundled.vendors))


def test_every_capture_file_is_named_by_date_or_undated() -> None:
    files = {p for p in bundled_dir().glob("*/*") if p.is_file() and p.name != MANIFEST}
    named = {c.path for c in scan(bundled_dir())}
    assert files == named, f"not YYYY-MM-DD__name.ext or undated__name.ext: {sorted(files - named)}"


# --- A user file is merged over the bundled one, vendor by vendor. ---


def test_user_file_with_one_vendor_changes_only_that_vendor(bundled: Settings, tmp_path: Path) -> None:
    path = _write(tmp_path, f'[vendors.anthropic]\nstart_urls = ["{LOCAL_URL}"]\n')
    user = load(path)
    assert user.vendors["anthropic"].start_urls == (LOCAL_URL,)
    assert user.vendors["anthropic"] == dataclasses.replace(
        bundled.vendors["anthropic"], start_urls=(LOCAL_URL,)
    )
    assert {k: v for k, v in user.vendors.items() if k != "anthropic"} == {
        k: v for k, v in bundled.vendors.items() if k != "anthropic"
    }
    assert dataclasses.replace(user, vendors=bundled.vendors, sources=bundled.sources) == bundled
    assert user.sources == (*bundled.sources, str(path))


def test_user_file_via_environment_is_merged_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, f'[vendors.anthropic]\nstart_urls = ["{LOCAL_URL}"]\n')
    monkeypatch.setenv("RATECARD_CONFIG", str(path))
    assert load() == load(path)


def test_user_file_can_add_a_vendor_with_an_existing_parser(bundled: Settings, tmp_path: Path) -> None:
    path = _write(
        tmp_path, f'[vendors.anthropic-mirror]\nparser = "anthropic"\nstart_urls = ["{LOCAL_URL}"]\n'
    )
    user = load(path)
    assert set(user.vendors) == {*bundled.vendors, "anthropic-mirror"}
    assert user.vendors["anthropic-mirror"].parser == "anthropic"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[vendors.anthropic]\nstart_url = ["http://x"]\n',
            r"\[vendors.anthropic\]: unknown key.*'start_url'",
        ),
        ("[settings]\nceiling = 5\n", r"\[settings\]: unknown key.*'ceiling'"),
        (
            '[vendors.newvendor]\nstart_urls = ["http://x"]\n',
            r"\[vendors.newvendor\] is not a bundled vendor .* needs 'parser'",
        ),
        ("[vendors.anthropic]\nstart_urls = []\n", "start_urls must be a non-empty list"),
    ],
    ids=["unknown-vendor-key", "unknown-settings-key", "new-vendor-without-parser", "empty-urls"],
)
def test_bad_user_file_raises_config_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load(_write(tmp_path, text))


def test_missing_user_file_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load(tmp_path / "absent.toml")
