"""Migration 0004 keeps every value: money becomes NUMERIC on PostgreSQL, cross-checks become spans."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext

from alembic import command
from sqlalchemy import create_engine, text

from ratecard.db import alembic_config, migrate

RUN = "INSERT INTO runs (id, date, started_at, trigger, host) VALUES (:id, :d, '2025-01-01 00:00:00', 'run', 'h')"
CHECK = (
    "INSERT INTO crosschecks (run_id, vendor, model, field, tier, outcome, ours, theirs, rel_diff, "
    "registry_key, match_rule, registry_name, registry_version, registry_date, registry_source, "
    "source_url, seen) VALUES (:run, 'v', :model, 'input', 'standard', :outcome, :ours, :theirs, :rel, "
    "'k', 'exact', 'litellm', :version, NULL, 'file', 'https://v.example', :seen)"
)
SPAN = (
    "INSERT INTO rate_spans (vendor, model, field, tier, unit, value, status, source_url, fetch_sha256, "
    "fetched_at, valid_from, run_id) VALUES ('v', 'm', 'input', 'standard', 'usd_per_mtok', :value, "
    "'verified', 'https://v.example', :sha, '2025-01-01 00:00:00', '2025-01-01', 1)"
)
VALUES = ["0.0000375", "0.075", "1234567.123456789012345678901234", "0"]


def _at(url: str, revision: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()


def test_0004_keeps_every_amount_and_collapses_checks_into_spans(db_url: str) -> None:
    _at(db_url, "0003")
    engine = create_engine(db_url)
    with engine.begin() as conn:
        for run, day in enumerate(["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04"], start=1):
            conn.execute(text(RUN), {"id": run, "d": day})
        for n, value in enumerate(VALUES):
            conn.execute(text(SPAN), {"value": value, "sha": f"{n:064d}"})
        nights = [  # model a agrees three nights then disagrees; model b vanishes on night 3
            (1, "2025-01-01", [("a", "agree", "3", "3", None), ("b", "vendor_only", "1", None, None)]),
            (2, "2025-01-02", [("a", "agree", "3", "3", None), ("b", "vendor_only", "1", None, None)]),
            (3, "2025-01-03", [("a", "agree", "3", "3", None)]),
            (4, "2025-01-04", [("a", "disagree", "3", "3.3", "0.1")]),
        ]
        for run, seen, rows in nights:
            for model, outcome, ours, theirs, rel in rows:
                conn.execute(
                    text(CHECK),
                    {
                        "run": run,
                        "model": model,
                        "outcome": outcome,
                        "ours": ours,
                        "theirs": theirs,
                        "rel": rel,
                        "version": f"v{run}",
                        "seen": seen,
                    },
                )
    migrate(engine)
    with engine.connect() as conn:
        amounts = [Decimal(str(v)) for (v,) in conn.execute(text("SELECT value FROM rate_spans ORDER BY id"))]
        spans = conn.execute(
            text(
                "SELECT model, outcome, theirs, valid_from, valid_to, run_id FROM crosschecks "
                "ORDER BY model, valid_from"
            )
        ).all()
        reads = conn.execute(
            text("SELECT run_id, registry_version FROM registry_reads ORDER BY run_id")
        ).all()
        if engine.dialect.name == "postgresql":
            kind = conn.execute(
                text(
                    "SELECT data_type FROM information_schema.columns WHERE table_name='rate_spans' AND column_name='value'"
                )
            ).scalar()
            assert kind == "numeric"
            total = conn.execute(text("SELECT SUM(value) FROM rate_spans")).scalar()
            with localcontext() as ctx:
                ctx.prec = 60  # PostgreSQL adds exactly; so must the expected sum
                assert Decimal(total) == sum(Decimal(v) for v in VALUES)
    engine.dispose()
    assert amounts == [Decimal(v) for v in VALUES]
    day = date.fromisoformat
    got = [
        (m, o, None if t is None else Decimal(str(t)), str(f)[:10], None if to is None else str(to)[:10], r)
        for m, o, t, f, to, r in spans
    ]
    assert got == [
        ("a", "agree", Decimal(3), "2025-01-01", "2025-01-04", 1),
        ("a", "disagree", Decimal("3.3"), "2025-01-04", None, 4),
        ("b", "vendor_only", None, "2025-01-01", "2025-01-03", 1),
    ]
    assert [(r, v) for r, v in reads] == [(1, "v1"), (2, "v2"), (3, "v3"), (4, "v4")]
    assert day("2025-01-04") > day("2025-01-01")


def test_0004_downgrades_and_upgrades_again(db_url: str) -> None:
    migrate(create_engine(db_url))
    _at(db_url, "0004")
    engine = create_engine(db_url)
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"
    engine.dispose()
