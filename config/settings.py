"""One settings object, read at the edge: the bundled ratecard.toml with a user file merged over it."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields
from decimal import Decimal, InvalidOperation
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from ratecard.crawler.settings import CrawlSettings


class ConfigError(Exception):
    """The configuration cannot be used; the message says which key and why."""


@dataclass(frozen=True)
class Fx:
    """A configured exchange rate: USD per one unit of ``currency``, as of ``date``."""

    currency: str
    usd_per_unit: Decimal
    date: str
    source: str


@dataclass(frozen=True)
class Convention:
    """A vendor's documented rule for a field it does not publish: ``field = factor × base``."""

    field: str
    base: str
    factor: Decimal
    source: str


@dataclass(frozen=True)
class VendorConfig:
    id: str
    name: str
    parser: str
    start_urls: tuple[str, ...]
    """The pages that together hold the vendor's prices, all fetched each run."""
    fallback_urls: tuple[str, ...] = ()
    """Alternative sources of the same prices (the page's ``.md`` form, say), tried in order, one
    URL each, when the start URLs fail (HTTP error or an unreadable page)."""
    allowed_hosts: tuple[str, ...] = ()
    """Hosts the crawl may follow links and redirects to; default: the hosts of the URLs above."""
    follow_json_key: str | None = None
    """Paged APIs: the JSON key holding the next page's URL (``NextPageLink``)."""
    follow_json_each: str | None = None
    """Listings: fetch, for every object of a JSON array answer, the URL under this key
    (``download_url`` of a GitHub folder listing)."""
    stale_after_days: int = 3
    registry_prefixes: tuple[str, ...] = ("",)
    registry_providers: tuple[str, ...] = ()
    """Provider names a registry may give this vendor's models (default: the vendor id)."""
    registry_tier: str | None = None
    """The tier a registry's single price stands for, where the vendor prices per deployment/region."""
    aliases: Mapping[str, str] = field(default_factory=dict)
    fx: Fx | None = None
    conventions: tuple[Convention, ...] = ()
    enabled: bool = True


@dataclass(frozen=True)
class Settings:
    """Everything read from the config files. ``[settings]`` keys are this class's fields and
    :class:`CrawlSettings`' fields, by name (declared once, read generically by :func:`build`)."""

    vendors: Mapping[str, VendorConfig]
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    stale_after_days: int = 3
    """Days after a vendor's last verification at which its rates count as stale (per-vendor
    ``stale_after_days`` overrides it)."""
    ceiling_usd_per_mtok: Decimal = Decimal(2000)
    max_move_factor: Decimal = Decimal(10)
    min_model_ratio: Decimal = Decimal("0.5")
    registries: tuple[str, ...] = ("litellm",)
    """What to cross-check against: ``litellm`` (today's upstream file, the installed package's copy
    if the fetch fails), ``litellm-installed``, ``genai-prices`` (v2 upstream), URLs or FILEs."""
    litellm_url: str = (
        "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
    )
    genai_prices_url: str = (
        "https://raw.githubusercontent.com/pydantic/genai-prices/refs/heads/main/prices/new_data/v2/data.json"
    )
    schedule: str = "0 3 * * *"
    sources: tuple[str, ...] = ()

    def stale_after(self, vendor: str) -> int:
        """The one staleness policy: the vendor's own threshold, else the global default."""
        found = self.vendors.get(vendor)
        return found.stale_after_days if found is not None else self.stale_after_days


_NOT_KEYS = {"vendors", "crawl", "sources"}
_POSITIVE = {"download_timeout", "max_body_bytes", "stale_after_days"}
"""Settings that must be above zero (a zero timeout or body cap would fail every vendor)."""
_CRAWL_KEYS = {f.name: f for f in fields(CrawlSettings)}
_OWN_KEYS = {f.name: f for f in fields(Settings) if f.name not in _NOT_KEYS}
_SETTINGS_KEYS = set(_CRAWL_KEYS) | set(_OWN_KEYS)
_VENDOR_KEYS = {
    "name",
    "parser",
    "start_urls",
    "fallback_urls",
    "allowed_hosts",
    "follow",
    "stale_after_days",
    "registry_prefixes",
    "registry_providers",
    "registry_tier",
    "aliases",
    "fx",
    "conventions",
    "enabled",
}


def bundled_config_text() -> str:
    return (resources.files("ratecard.config") / "ratecard.toml").read_text(encoding="utf-8")


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` wins key by key inside [settings] and inside each [vendors.X]."""
    out: dict[str, Any] = {k: dict(v) if isinstance(v, Mapping) else v for k, v in base.items()}
    for section, value in over.items():
        if section == "vendors":
            vendors = {k: dict(v) for k, v in out.get("vendors", {}).items()}
            for vid, entry in value.items():
                vendors[vid] = {**vendors.get(vid, {}), **entry}
            out["vendors"] = vendors
        elif isinstance(value, Mapping):
            out[section] = {**out.get(section, {}), **value}
        else:
            out[section] = value
    return out


def _decimal(where: str, value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ConfigError(f"{where}: {value!r} is not a number") from exc


def _vendor(vid: str, raw: Mapping[str, Any], default_stale: int) -> VendorConfig:
    unknown = set(raw) - _VENDOR_KEYS
    if unknown:
        raise ConfigError(f"[vendors.{vid}]: unknown key(s) {sorted(unknown)}")
    for key in ("parser", "start_urls"):
        if key not in raw:
            raise ConfigError(f"[vendors.{vid}]: missing {key!r}")
    parser = str(raw["parser"])
    if not parser.isidentifier() or find_spec(f"ratecard.parsers.{parser}") is None:
        raise ConfigError(f"[vendors.{vid}]: no parser named {parser!r} (a module of ratecard.parsers)")
    urls = raw["start_urls"]
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise ConfigError(f"[vendors.{vid}]: start_urls must be a non-empty list of URLs")
    fallback = raw.get("fallback_urls", [])
    if not isinstance(fallback, list) or not all(isinstance(u, str) for u in fallback):
        raise ConfigError(f"[vendors.{vid}]: fallback_urls must be a list of URLs")
    hosts = raw.get("allowed_hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
        raise ConfigError(f"[vendors.{vid}]: allowed_hosts must be a list of host names")
    fx = None
    if "fx" in raw:
        f = raw["fx"]
        fx = Fx(
            str(f["currency"]),
            _decimal(f"[vendors.{vid}].fx", f["usd_per_unit"]),
            str(f.get("date", "")),
            str(f.get("source", "configured")),
        )
    conventions = tuple(
        Convention(
            str(c["field"]),
            str(c["base"]),
            _decimal(f"[vendors.{vid}].conventions", c["factor"]),
            str(c.get("source", "")),
        )
        for c in raw.get("conventions", [])
    )
    return VendorConfig(
        id=vid,
        name=str(raw.get("name", vid)),
        parser=str(raw["parser"]),
        start_urls=tuple(urls),
        fallback_urls=tuple(fallback),
        allowed_hosts=tuple(h.lower() for h in hosts),
        follow_json_key=_follow(vid, raw, "json_key"),
        follow_json_each=_follow(vid, raw, "json_each"),
        stale_after_days=int(raw.get("stale_after_days", default_stale)),
        registry_prefixes=tuple(raw.get("registry_prefixes", [""])),
        registry_providers=tuple(raw.get("registry_providers", [vid])),
        registry_tier=raw.get("registry_tier"),
        aliases=dict(raw.get("aliases", {})),
        fx=fx,
        conventions=conventions,
        enabled=bool(raw.get("enabled", True)),
    )


def _follow(vid: str, raw: Mapping[str, Any], how: str) -> str | None:
    follow = raw.get("follow", {})
    unknown = set(follow) - {"json_key", "json_each"}
    if unknown:
        raise ConfigError(f"[vendors.{vid}].follow: unknown key(s) {sorted(unknown)} (json_key, json_each)")
    value = follow.get(how)
    return None if value is None else str(value)


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


def build(data: Mapping[str, Any], sources: tuple[str, ...] = ()) -> Settings:
    strange = set(data) - {"settings", "vendors"}
    if strange:
        raise ConfigError(f"unknown section(s) {sorted(strange)}: only [settings] and [vendors.ID] exist")
    s = dict(data.get("settings", {}))
    unknown = set(s) - _SETTINGS_KEYS
    if unknown:
        raise ConfigError(f"[settings]: unknown key(s) {sorted(unknown)}")
    try:
        stale = int(s.get("stale_after_days", Settings.stale_after_days))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[settings]: stale_after_days: {exc}") from exc
    vendors = {}
    for vid, raw in data.get("vendors", {}).items():
        try:
            vendors[vid] = _vendor(vid, raw, stale)
        except ConfigError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ConfigError(f"[vendors.{vid}]: missing or malformed value ({exc!r})") from exc
    crawl = {k: _typed(k, v, _CRAWL_KEYS[k]) for k, v in s.items() if k in _CRAWL_KEYS}
    own = {k: _typed(k, v, _OWN_KEYS[k]) for k, v in s.items() if k in _OWN_KEYS}
    return Settings(vendors=vendors, crawl=CrawlSettings(**crawl), sources=sources, **own)


def _typed(key: str, value: object, declared: Field[Any]) -> Any:
    """A ``[settings]`` value as the type of the field's default (Decimal money stays exact)."""
    default: object = declared.default
    try:
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ValueError(f"{value!r} is not true or false")
            return value
        if isinstance(default, Decimal):
            return _decimal(f"[settings] {key}", value)
        if isinstance(default, tuple):
            return tuple(str(v) for v in _as_list(value))
        if isinstance(default, int | float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{value!r} is not a number")
            if value < 0 or (key in _POSITIVE and value == 0):
                raise ValueError(f"{value!r} must be {'above' if key in _POSITIVE else 'at least'} 0")
            return int(value) if isinstance(default, int) else float(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[settings] {key}: {exc}") from exc


def load(user_file: Path | None = None, overrides: Mapping[str, Any] | None = None) -> Settings:
    """Bundled config, then ``user_file`` (or $RATECARD_CONFIG), then in-code ``overrides``."""
    data: dict[str, Any] = tomllib.loads(bundled_config_text())
    sources = ["bundled ratecard.toml"]
    path = user_file or (Path(os.environ["RATECARD_CONFIG"]) if os.environ.get("RATECARD_CONFIG") else None)
    if path is not None:
        try:
            user = tomllib.loads(path.read_text(encoding="utf-8"))
            for vid, entry in user.get("vendors", {}).items():
                if vid not in data.get("vendors", {}) and "parser" not in entry:
                    known = ", ".join(sorted(data.get("vendors", {})))
                    raise ConfigError(
                        f"{path}: [vendors.{vid}] is not a bundled vendor ({known}); "
                        "a new vendor needs 'parser' and 'start_urls'"
                    )
            data = merge(data, user)
        except FileNotFoundError as exc:
            raise ConfigError(f"config file {path} does not exist") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
        sources.append(str(path))
    if overrides:
        data = merge(data, overrides)
    return build(data, tuple(sources))
