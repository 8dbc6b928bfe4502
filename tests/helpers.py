"""Helpers shared by the tests (imported as ``from helpers import ...``; fixtures stay in conftest)."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

from ratecard import readmodel
from ratecard.capture_server import CaptureServer
from ratecard.captures import bundled_dir
from ratecard.config.settings import Settings, load
from ratecard.crawler.rawstore import RawStore
from ratecard.dbapi import SessionReader
from ratecard.outcome import RunReport
from ratecard.pipeline import run_day
from ratecard.rows import PriceRow, record

CAPTURES = bundled_dir()
FAST: dict[str, Any] = {
    "settings": {
        "autothrottle_start_delay": 0.0,
        "retry_times": 1,
        "retry_backoff_base": 0.01,
        "download_timeout": 3,
        "registries": [],
    }
}
"""Config overrides for tests: no politeness delays against our own local server, no registry."""


def capture(vendor: str, name_part: str) -> Path:
    """The bundled capture of ``vendor`` whose file name contains ``name_part``."""
    found = [p for p in (CAPTURES / vendor).iterdir() if name_part in p.name]
    assert len(found) == 1, f"{vendor}/{name_part}: {found}"
    return found[0]


def with_urls(settings: Settings, **urls: Any) -> Settings:
    """Settings whose vendors fetch the given URLs (``anthropic=[url]``), and may follow links
    and redirects on those URLs' hosts (configured ``allowed_hosts`` would refuse them); their
    configured fallback sources are dropped (tests never reach the internet)."""
    vendors = dict(settings.vendors)
    for vid, u in urls.items():
        start = tuple(u if isinstance(u, list) else [u])
        vendors[vid] = replace(vendors[vid], start_urls=start, fallback_urls=(), allowed_hosts=())
    return replace(settings, vendors=vendors)


def new_pg_db(base: str) -> tuple[str, Callable[[], None]]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{base}/{name}", drop


def run_captures(
    engine: Engine,
    settings: Settings,
    raw: RawStore,
    server: CaptureServer,
    day: date,
    **captures: Path | str,
) -> RunReport:
    """Run ``day`` for the named vendors, each fetching its capture (a Path) or a URL (a str)."""
    urls = {v: (server.add_capture(v, c) if isinstance(c, Path) else c) for v, c in captures.items()}
    return run_day(engine, with_urls(settings, **urls), raw, day, list(captures))


# --- The read model as dicts, read inside a test's SQLAlchemy session (the write path's view). ---


def _stale(stale_after: Mapping[str, int] | int) -> Callable[[str], int]:
    if isinstance(stale_after, int):
        return lambda _vendor: stale_after
    return lambda vendor: stale_after.get(vendor, 3)


def price_rows(
    session: Session,
    as_of: date,
    stale_after: Mapping[str, int] | int = 3,
    vendor: str | None = None,
    model: str | None = None,
    include_flags: bool = False,
) -> list[dict[str, Any]]:
    """``readmodel.prices`` as the dicts ``prices --format json`` prints (before JSON encoding)."""
    found = readmodel.prices(
        SessionReader(session), as_of, _stale(stale_after), [vendor] if vendor else None, model, include_flags
    )
    return [record(r) for r in found]


def change_rows(
    session: Session,
    since: date | None = None,
    vendor: str | None = None,
    model: str | None = None,
    field: str | None = None,
    include_superseded: bool = False,
) -> list[dict[str, Any]]:
    found = readmodel.changes(
        SessionReader(session), since, [vendor] if vendor else None, model, field, include_superseded
    )
    return [record(r) for r in found]


def flag_rows(
    session: Session, as_of: date, stale_after: Mapping[str, int] | int = 3, vendor: str | None = None
) -> list[dict[str, Any]]:
    found = readmodel.flags(SessionReader(session), as_of, _stale(stale_after), [vendor] if vendor else None)
    return [record(r) for r in found]


@dataclass
class Reply:
    """One scripted answer. ``length=False`` sends no Content-Length: the body streams until close."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    length: bool = True


@dataclass(frozen=True)
class Seen:
    """A request the server received: its path, its Host header and when it arrived (monotonic)."""

    path: str
    host: str
    at: float


class ScriptedServer:
    """A real HTTP server on 127.0.0.1 whose paths answer from scripts of replies (the last one
    repeats; unknown paths, robots.txt included, are 404), recording every request it receives.

    For what the replay server does not do: redirects, Retry-After, odd lengths and encodings.
    """

    def __init__(self, tls_dir: Path | None = None) -> None:
        self.scripts: dict[str, list[Reply]] = {}
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                server.seen.append(Seen(self.path, self.headers.get("Host", ""), time.monotonic()))
                script = server.scripts.get(path)
                reply = (script.pop(0) if len(script) > 1 else script[0]) if script else Reply(404)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.length:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self.scheme = "http"
        if tls_dir is not None:  # https with a certificate nobody vouches for
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self_signed(tls_dir))
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
            self.scheme = "https"

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str, host: str | None = None) -> str:
        return f"{self.scheme}://{host or self.netloc}{path}"

    def add(self, path: str, *replies: Reply) -> str:
        self.scripts[urlsplit(path).path] = list(replies)
        return self.url(path)

    def paths(self) -> list[str]:
        """Paths requested, robots.txt left out."""
        return [s.path for s in self.seen if s.path != "/robots.txt"]

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by its own key, and the key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


def closed_port() -> int:
    """A local port nothing listens on (bound, then released): connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(path: Path, **urls: str) -> Path:
    """A user config file for `ratecard run --config`: fast crawling, no registry, the named
    vendors at ``urls`` without their fallback sources (tests never reach the internet) and
    every other vendor off."""
    lines = ["[settings]", *(f"{k} = {json.dumps(v)}" for k, v in FAST["settings"].items())]
    for vendor in load(None).vendors:
        lines.append(f"[vendors.{vendor}]")
        if vendor in urls:
            lines += [f"start_urls = [{json.dumps(urls[vendor])}]", "fallback_urls = []"]
        else:
            lines.append("enabled = false")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rate_row(
    model: str, field: str, value: str, unit: str, tier: str = "standard", vendor: str = "v"
) -> PriceRow:
    """A verified rate of 2026-01-01 for pricing tests that need no database."""
    day = date(2026, 1, 1)
    return PriceRow(
        vendor=vendor,
        model=model,
        field=field,
        tier=tier,
        usd_per_mtok=Decimal(value) if unit == "usd_per_mtok" else None,
        value=Decimal(value),
        unit=unit,
        status="verified",
        reason=None,
        since=day,
        last_verified=day,
        source_url="https://v.example/pricing",
        fetch_sha256="ab" * 32,
        fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
        last_fetch_sha256=None,
        last_fetched_at=None,
        attributes=[],
        stale=False,
        age_days=0,
        verified_status="verified",
        published_value=None,
        published_currency=None,
        captured_at=None,
    )
