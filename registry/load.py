"""Find, fetch and read a registry file: the installed LiteLLM data file, a FILE or an http(s) URL.

The LiteLLM file is located through the package's installed file list, never by importing
litellm (seconds of start-up and dozens of modules for one JSON file).
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
from datetime import date
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

from ratecard.registry import genai_prices, litellm, llm_prices, portkey
from ratecard.registry.base import Format, Registry, RegistryError

FORMATS: tuple[Format, ...] = (litellm, genai_prices, llm_prices, portkey)
INSTALLED_LITELLM = "litellm"
"""The source name meaning "the installed litellm package's data file"."""
LITELLM_FILES = (
    "model_prices_and_context_window.json",
    "model_prices_and_context_window_backup.json",
)
DEFAULT_USER_AGENT = "ratecard/0.1 (LLM price audit; registry fetch)"


def litellm_data_path(dist_name: str = "litellm") -> Path:
    """Path of the price file inside the installed litellm distribution (without importing it)."""
    try:
        dist = distribution(dist_name)
    except PackageNotFoundError as exc:
        raise RegistryError(f"{dist_name} is not installed: give a registry FILE or URL") from exc
    files = {f.name: f for f in dist.files or [] if f.parts[0] == "litellm"}
    for name in LITELLM_FILES:
        if name in files:
            path = Path(str(dist.locate_file(files[name])))
            if path.is_file():
                return path
    raise RegistryError(f"{dist_name} {dist.version} ships none of {', '.join(LITELLM_FILES)}")


def format_named(name: str) -> Format:
    for fmt in FORMATS:
        if name == fmt.NAME:
            return fmt
    raise RegistryError(f"unknown registry format {name!r}; known: {[f.NAME for f in FORMATS]}")


def decode(data: bytes, source: str) -> Any:
    try:
        return json.loads(data, parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegistryError(f"{source}: not a JSON registry file ({exc})") from exc


def read_registry(data: bytes, source: str, *, at: date | None = None, fmt: str | None = None) -> Registry:
    """Parse registry bytes (pure): the format is ``fmt`` or the first that recognises the shape."""
    return read_document(decode(data, source), hashlib.sha256(data).hexdigest(), source, at=at, fmt=fmt)


def read_document(
    doc: Any, version: str, source: str, *, at: date | None = None, fmt: str | None = None
) -> Registry:
    """A decoded registry document (``version``: its bytes' sha256) as a Registry at ``at``."""
    chosen = format_named(fmt) if fmt else next((f for f in FORMATS if f.recognises(doc, source)), None)
    if chosen is None:
        raise RegistryError(f"{source}: not a LiteLLM, genai-prices, llm-prices or Portkey file")
    try:
        found = chosen.read(doc, source, at)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RegistryError(f"{source}: unreadable as {chosen.NAME} ({exc!r})") from exc
    return Registry(chosen.NAME, version, found.date, source, found.entries)


def keeps_history(name: str) -> bool:
    """Whether a registry format's prices depend on the day they are read for."""
    return format_named(name).KEEPS_HISTORY


def fetch(url: str, *, timeout: float = 30.0, user_agent: str = DEFAULT_USER_AGENT) -> bytes:
    """The body of an http(s) URL."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: bytes = response.read()
    except OSError as exc:  # URLError, HTTPError and timeouts are all OSErrors
        raise RegistryError(f"could not fetch {url}: {exc}") from exc
    return body


def load_registry_source(
    source: str, *, at: date | None = None, fmt: str | None = None, timeout: float = 30.0
) -> Registry:
    """Read ``"litellm"`` (the installed package's file), a FILE path or an http(s) URL."""
    if source == INSTALLED_LITELLM:
        path = litellm_data_path()
        return read_registry(path.read_bytes(), str(path), at=at, fmt=fmt or litellm.NAME)
    if source.startswith(("http://", "https://")):
        return read_registry(fetch(source, timeout=timeout), source, at=at, fmt=fmt)
    path = Path(source).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RegistryError(f"cannot read registry file {path}: {exc}") from exc
    return read_registry(data, str(path), at=at, fmt=fmt)
