"""Review commands: `crosscheck`, `flags`, `accept` — the questions a person must answer."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ratecard.commands.common import (
    AsOfOpt,
    ConfigOpt,
    CsvRawOpt,
    DbOpt,
    FormatOpt,
    VendorsOpt,
    command_app,
    database_url,
    engine,
    fail,
    known_vendors,
    parse_date,
    reader,
    settings,
    writes_storage,
)
from ratecard.money import to_text
from ratecard.outcome import EXIT_USAGE
from ratecard.output import Format, emit

if TYPE_CHECKING:
    from ratecard.config.settings import Settings
    from ratecard.registry.base import Registry
    from ratecard.rows import CheckRow

app = command_app()
REGISTRY_NAMES = ("litellm", "genai-prices", "llm-prices", "portkey")
"""The registry formats cross-check results can be stored against."""


class FlagKind(StrEnum):
    stale = "stale"
    inferred = "inferred"
    disagree = "disagree"
    vendor_only = "vendor-only"
    registry_only = "registry-only"
    anomaly = "anomaly"
    failing = "failing"
    disputed = "disputed"
    not_listed = "not-listed"


@app.command("crosscheck")
def crosscheck(
    registry: Annotated[
        str | None,
        typer.Option("--registry", help="Registry name: litellm, genai-prices, llm-prices, portkey."),
    ] = None,
    vendor: VendorsOpt = None,
    fmt: FormatOpt = Format.table,
    csv_raw: CsvRawOpt = False,
    patch: Annotated[
        str | None, typer.Option("--patch", help="Write corrections for this registry (litellm).")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File for --patch.")] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """How each vendor's latest verified rates compare with the reference registries."""
    from ratecard import readmodel
    from ratecard.rows import CheckRow

    cfg = settings(config)
    vendors = known_vendors(cfg, vendor)
    for name, option in ((registry, "--registry"), (patch, "--patch")):
        if name is not None and name not in REGISTRY_NAMES:
            known = ", ".join(REGISTRY_NAMES)
            raise fail(f"{option}: unknown registry {name!r}; known: {known}", EXIT_USAGE)
    with reader(db) as r:
        rows = readmodel.check_rows(r, patch or registry, vendors)
    if patch is not None:
        _write_patch(patch, rows, output, cfg, db)
        return
    emit(sys.stdout, rows, fmt, CheckRow, title="cross-check", csv_raw=csv_raw)


@app.command("flags")
def flags(
    kind: Annotated[FlagKind | None, typer.Option("--kind", help="Only this kind of flag.")] = None,
    vendor: VendorsOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    csv_raw: CsvRawOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Rates to doubt and why: stale, inferred, registry disagreements, anomalies, failing vendors."""
    from ratecard import readmodel
    from ratecard.rows import FlagRow

    day = parse_date(as_of, "--as-of")
    cfg = settings(config)
    vendors = known_vendors(cfg, vendor)
    with reader(db) as r:
        rows = readmodel.flags(r, day, cfg.stale_after, vendors)
    if kind is not None:
        rows = [f for f in rows if f.kind == kind.value]
    emit(sys.stdout, rows, fmt, FlagRow, title=f"flags as of {day}", csv_raw=csv_raw)


@app.command("accept")
@writes_storage
def accept(
    anomaly_id: Annotated[
        str,
        typer.Argument(help="The anomaly id, or its stable ref, shown by `ratecard flags --kind anomaly`."),
    ],
    by: Annotated[str | None, typer.Option("--by", help="Who confirms (default: the login name).")] = None,
    reject: Annotated[
        bool, typer.Option("--reject", help="Say it is not a real price: it stays out, unflagged.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Confirm a quarantined value as a real price change; it lands with an audit row naming you."""
    from ratecard import safe
    from ratecard.db import session
    from ratecard.derive.quarantine import UNIT_CHANGE
    from ratecard.derive.store import open_one
    from ratecard.review import accept as do_accept
    from ratecard.review import reject as do_reject

    who = by or getpass.getuser()
    with session(engine(db)) as s:
        try:
            if reject:
                gone = do_reject(s, anomaly_id, who, datetime.now(UTC))
                line = (
                    f"rejected #{anomaly_id}: {gone.vendor} {gone.model} {gone.field} "
                    f"{money(gone.new)} stays out (by {who})"
                )
                sys.stdout.write(safe.visible(line) + "\n")
                return
            held = open_one(s, anomaly_id)
            if held.kind == UNIT_CHANGE:
                warning = (
                    f"warning: #{anomaly_id} looks like a change of unit, not a price: {held.message}. "
                    f"Accepting stores {money(held.new)} as {held.unit}, a value in the wrong unit; "
                    f"`ratecard accept {anomaly_id} --reject` keeps it out"
                )
                sys.stderr.write(safe.visible(warning) + "\n")
            row = do_accept(s, anomaly_id, who, datetime.now(UTC))
        except (LookupError, ValueError) as exc:
            raise fail(str(exc), 1) from exc
    line = (
        f"accepted #{anomaly_id}: {row.vendor} {row.model} {row.field} "
        f"{money(row.old)} -> {money(row.new)} from {row.effective_date} ({row.reason})"
    )
    sys.stdout.write(safe.visible(line) + "\n")


@app.command("confirm-removed")
@writes_storage
def confirm_removed(
    vendor: Annotated[str, typer.Argument(help="Vendor id.")],
    model: Annotated[
        str, typer.Argument(help="A model its pages stopped listing (see `flags --kind not-listed`).")
    ],
    by: Annotated[str | None, typer.Option("--by", help="Who confirms (default: the login name).")] = None,
    db: DbOpt = None,
) -> None:
    """Confirm a model the vendor's pages stopped listing is gone: its rates end the first day it was
    not listed, with audit rows naming you. Until then it is kept, ageing toward stale."""
    from ratecard import safe
    from ratecard.db import session
    from ratecard.review import confirm_removed as do_confirm

    who = by or getpass.getuser()
    with session(engine(db)) as s:
        try:
            rows = do_confirm(s, vendor, model, who, datetime.now(UTC))
        except LookupError as exc:
            raise fail(str(exc), 1) from exc
    when = rows[0].effective_date if rows else "its first unlisted day"
    line = f"removed {vendor}/{model} from {when}: {len(rows)} rate(s) end there (by {who})"
    sys.stdout.write(safe.visible(line) + "\n")


def money(value: Decimal | None) -> str:
    return "none" if value is None else to_text(value)


def _write_patch(name: str, rows: list[CheckRow], output: Path | None, cfg: Settings, db: str | None) -> None:
    """The corrections a LiteLLM maintainer could apply (``ratecard-litellm-patch/1``, see
    docs/formats.md): per vendor, against the very map each result was compared with, with the
    vendor's page and capture date as evidence."""
    from ratecard.registry.patch import Evidence, maintainer_patch
    from ratecard.review import as_result

    if name != "litellm":
        raise fail(f"--patch supports litellm only, not {name!r}", 2)
    patches = {}
    for vid in sorted({r.vendor for r in rows}):
        mine = [r for r in rows if r.vendor == vid]
        registry = _compared_map(mine, db)
        evidence = {(r.model, r.field, r.tier): Evidence(r.source_url, r.since) for r in mine if r.source_url}
        vendor = cfg.vendors.get(vid)
        prefix = vendor.registry_prefixes[0] if vendor else f"{vid}/"
        provider = vendor.registry_providers[0] if vendor and vendor.registry_providers else vid
        patches[vid] = maintainer_patch(
            [as_result(r) for r in mine], evidence, registry, new_key_prefix=prefix, provider=provider
        )
    text = json.dumps(patches, indent=2)
    if output is None:
        sys.stdout.write(text + "\n")
        return
    output.write_text(text + "\n", encoding="utf-8")
    count = sum(len(p["changes"]) for p in patches.values())
    sys.stderr.write(f"wrote {count} corrections for litellm to {output}\n")


def _compared_map(rows: list[CheckRow], db: str | None) -> Registry:
    """The LiteLLM map these results were compared with: from the raw store by its sha256 (a night's
    upstream fetch), else the file it was read from; refused if neither holds that version."""
    from ratecard.crawler.rawstore import RawStore
    from ratecard.locations import raw_dir
    from ratecard.registry.load import read_registry

    version, source = rows[0].registry_version, rows[0].registry_source
    raw = RawStore(raw_dir(database_url(db)))
    if raw.has(version):
        return read_registry(raw.get(version), source)
    path = Path(source)
    if path.is_file():
        found = read_registry(path.read_bytes(), source)
        if found.version == version:
            return found
    raise fail(
        f"the LiteLLM map compared against (sha256 {version[:12]}, {source}) is no longer available", 1
    )
