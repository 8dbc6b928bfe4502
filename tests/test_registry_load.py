"""Loading registries: the installed LiteLLM file (without importing litellm), files and URLs."""

from __future__ import annotations

import functools
import hashlib
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ratecard.registry.base import RegistryError
from ratecard.registry.load import litellm_data_path, load_registry_source, read_registry

REGISTRIES = Path(__file__).parent / "fixtures" / "registries"
EXPECTED_FORMAT = {
    "litellm": "litellm",
    "genai-prices": "genai-prices",
    "llm-prices": "llm-prices",
    "portkey": "portkey",
}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving the registry captures."""
    handler = functools.partial(_QuietHandler, directory=str(REGISTRIES))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_locating_litellm_data_does_not_import_litellm() -> None:
    code = (
        "import sys\n"
        "from ratecard.registry.load import litellm_data_path\n"
        "path = litellm_data_path()\n"
        "assert path.is_file(), path\n"
        "assert 'litellm' not in sys.modules, 'litellm was imported'\n"
        "print(path.name)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("model_prices_and_context_window")


def test_installed_litellm_is_the_default_source() -> None:
    registry = load_registry_source("litellm")
    assert registry.name == "litellm"
    assert registry.source == str(litellm_data_path())
    assert registry.price("claude-sonnet-4-5", "input") == Decimal(3)
    assert registry.version == hashlib.sha256(litellm_data_path().read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "path", sorted(REGISTRIES.rglob("*.json")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_every_capture_is_recognised(path: Path) -> None:
    registry = load_registry_source(str(path))
    assert registry.name == EXPECTED_FORMAT[path.parent.name]
    assert registry.version == hashlib.sha256(path.read_bytes()).hexdigest()
    assert registry.entries


def test_url_fetch_reads_the_same_registry(server: str) -> None:
    name = "litellm/2025-12-29__model_prices_and_context_window.wrapped.json"
    fetched = load_registry_source(f"{server}/{name}")
    local = load_registry_source(str(REGISTRIES / name))
    assert fetched.version == local.version
    assert fetched.date == local.date
    assert fetched.entries == local.entries


def test_url_errors_are_registry_errors(server: str) -> None:
    with pytest.raises(RegistryError, match="could not fetch"):
        load_registry_source(f"{server}/litellm/missing.json")


def test_bad_sources_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry_source(str(tmp_path / "nope.json"))
    with pytest.raises(RegistryError, match="not a JSON"):
        read_registry(b"<html>", "page.html")
    with pytest.raises(RegistryError, match="not a LiteLLM"):
        read_registry(b'{"a": 1}', "other.json")
    with pytest.raises(RegistryError, match="unknown registry format"):
        read_registry(b"{}", "x.json", fmt="nonesuch")
