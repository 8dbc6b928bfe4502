"""Audit commands: crosscheck, flags, accept. Query paths: no Scrapy, no litellm import."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from ratecard.cli_commands.common import (
    AsOfOpt,
    ConfigOpt,
    DbOpt,
    FormatOpt,
    VendorOpt,
    console,
    engine,
    errors,
    known_vendor,
    parse_date,
    settings,
)
from ratecard.output import Format, emit
from ratecard.snapshots.money import to_text

if TYPE_CHECKING:
    from ratecard.config.settings import Settings
    from ratecard.registry.tables import CheckRecord


class FlagKind(StrEnum):
    stale = "stale"
    inferred = "inferred"
    disagree = "disagree"
    vendor_only = "vendor-only"
    registry_only = "registry-only"
    anomaly = "anomaly"
    failing = "failing"


def register(app: typer.Typer) -> None:
    @app.command("crosscheck")
    def crosscheck(
        registry: Annotated[
            str | None,
            typer.Option("--registry", help="Registry name: litellm, genai-prices, llm-prices, portkey."),
        ] = None,
        vendor: VendorOpt = None,
        fmt: FormatOpt = Format.table,
        patch: Annotated[
            str | None, typer.Option("--patch", help="Write corrections for this registry (litellm).")
        ] = None,
        output: Annotated[Path | None, typer.Option("-o", "--output", help="File for --patch.")] = None,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """How each vendor's latest verified rates compare with the reference registries."""
        from ratecard.db import session
        from ratecard.registry import store as checks
        from ratecard.review import check_dict

        with session(engine(db)) as s:
            rows = checks.latest(s, patch or registry, vendor)
        if patch is not None:
            _write_patch(patch, rows, output, settings(config))
            return
        cols = ["vendor", "model", "field", "tier", "outcome", "ours", "registry", "rel_diff", "registry_key"]
        all_cols = [
            *cols,
            "match_rule",
            "registry_name",
            "registry_version",
            "registry_date",
            "run_id",
            "seen",
        ]
        emit(console(), [check_dict(r) for r in rows], fmt, cols, all_cols, title="cross-check")

    @app.command("flags")
    def flags(
        kind: Annotated[FlagKind | None, typer.Option("--kind", help="Only this kind of flag.")] = None,
        vendor: VendorOpt = None,
        as_of: AsOfOpt = None,
        fmt: FormatOpt = Format.table,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Rates to doubt and why: stale, inferred, registry disagreements, anomalies, failing vendors."""
        from ratecard.db import session
        from ratecard.review import flag_rows

        day = parse_date(as_of, "--as-of")
        cfg = settings(config)
        vendor = known_vendor(cfg, vendor)
        stale_after = {v.id: v.stale_after_days for v in cfg.vendors.values()}
        with session(engine(db)) as s:
            rows = flag_rows(s, day, stale_after, vendor)
        if kind is not None:
            rows = [r for r in rows if r["kind"] == kind.value]
        cols = ["kind", "vendor", "model", "field", "tier", "value", "why"]
        emit(console(), rows, fmt, cols, [*cols, "unit", "id"], title=f"flags as of {day}")

    @app.command("accept")
    def accept(
        anomaly_id: Annotated[
            int, typer.Argument(help="The anomaly id shown by `ratecard flags --kind anomaly`.")
        ],
        by: Annotated[
            str | None, typer.Option("--by", help="Who confirms (default: the login name).")
        ] = None,
        reject: Annotated[
            bool, typer.Option("--reject", help="Say it is not a real price: it stays out, unflagged.")
        ] = False,
        db: DbOpt = None,
    ) -> None:
        """Confirm a quarantined value as a real price change; it lands with an audit row naming you."""
        from ratecard.db import session
        from ratecard.review import accept as do_accept
        from ratecard.review import reject as do_reject

        who = by or getpass.getuser()
        with session(engine(db)) as s:
            try:
                if reject:
                    gone = do_reject(s, anomaly_id, who, datetime.now(UTC))
                    console().print(
                        f"rejected #{anomaly_id}: {gone.vendor} {gone.model} {gone.field} "
                        f"{money(gone.new)} stays out (by {who})",
                        markup=False,
                    )
                    return
                row = do_accept(s, anomaly_id, who, datetime.now(UTC))
            except (LookupError, ValueError) as exc:
                errors().print(f"[red]{escape(str(exc))}[/red]")
                raise typer.Exit(1) from exc
        console().print(
            f"accepted #{anomaly_id}: {row.vendor} {row.model} {row.field} "
            f"{money(row.old)} -> {money(row.new)} from {row.effective_date} ({row.reason})",
            markup=False,
        )


def money(value: Decimal | None) -> str:
    return "none" if value is None else to_text(value)


def _write_patch(name: str, rows: list[CheckRecord], output: Path | None, cfg: Settings) -> None:
    """The corrections a registry maintainer could apply, with evidence, per vendor."""
    from ratecard.registry.patch import litellm_patch
    from ratecard.review import as_result

    if name != "litellm":
        errors().print(f"[red]--patch supports litellm only, not {name!r}[/red]")
        raise typer.Exit(2)
    patches = {}
    for vid in sorted({r.vendor for r in rows}):
        mine = [r for r in rows if r.vendor == vid]
        seen = {(r.model, r.field, r.tier): (r.source_url or "", r.seen) for r in mine}
        prefix = cfg.vendors[vid].registry_prefixes[0] if vid in cfg.vendors else ""
        patches[vid] = litellm_patch([as_result(r) for r in mine], seen, new_key_prefix=prefix)
    text = json.dumps(patches, indent=2)
    if output is None:
        console().file.write(text + "\n")
        return
    output.write_text(text + "\n", encoding="utf-8")
    count = sum(len(p["changes"]) for p in patches.values())
    errors().print(f"wrote {count} corrections for litellm to {output}")
