"""Money is exact from the parser to the database to the output, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlmodel import select

from ratecard.db import session
from ratecard.money import to_text
from ratecard.output import to_json
from ratecard.parsers.base import money, per_token_to_mtok
from ratecard.runs.tables import RunRecord
from ratecard.snapshots.tables import RateSpan

VALUES = ["0.0000375", "0.075", "0.028", "1.25", "0.000000075", "1234567.000001", "0"]


def test_openrouter_per_token_strings_become_exact_per_mtok() -> None:
    assert per_token_to_mtok("0.000000075") == Decimal("0.075")
    assert str(per_token_to_mtok("0.000000075")) == "0.075"
    assert per_token_to_mtok("0.0000003") == Decimal("0.3")
    assert per_token_to_mtok("0.000015") == Decimal(15)
    assert str(per_token_to_mtok("0.000015")) == "15"  # no exponent noise such as 1.5E+1


def test_page_amounts_are_read_exactly() -> None:
    assert money(r"\$18.75 / MTok") == Decimal("18.75")
    assert money("$0.028") == Decimal("0.028")
    assert money("1,000.50 per unit") == Decimal("1000.5")
    with pytest.raises(ValueError):
        money("free")


@pytest.mark.parametrize("value", VALUES)
def test_canonical_text_round_trips(value: str) -> None:
    assert Decimal(to_text(Decimal(value))) == Decimal(value)
    assert "E" not in to_text(Decimal(value) * Decimal("1e-3"))


def test_decimals_round_trip_exactly_through_the_database(engine) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with session(engine) as s:
        run = RunRecord(date=date(2025, 1, 1), started_at=now)
        s.add(run)
        s.commit()
        for i, v in enumerate(VALUES):
            s.add(
                RateSpan(
                    vendor="t",
                    model=f"m{i}",
                    field="input",
                    tier="standard",
                    unit="usd_per_mtok",
                    value=Decimal(v),
                    status="verified",
                    source_url="u",
                    fetch_sha256="0" * 64,
                    fetched_at=now,
                    valid_from=date(2025, 1, 1),
                    run_id=run.id or 0,
                )
            )
        s.commit()
    with session(engine) as s:
        stored = {r.model: r.value for r in s.exec(select(RateSpan)).all()}
        raw = dict(s.connection().execute(text("SELECT model, value FROM rate_spans")).all())
    for i, v in enumerate(VALUES):
        assert stored[f"m{i}"] == Decimal(v)
        assert isinstance(stored[f"m{i}"], Decimal)
        # stored exactly, never a float: canonical text on SQLite, NUMERIC on PostgreSQL
        assert not isinstance(raw[f"m{i}"], float)
        assert to_text(Decimal(str(raw[f"m{i}"]))) == to_text(Decimal(v))


def test_floats_are_refused_at_the_storage_edge(engine) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with session(engine) as s:
        run = RunRecord(date=date(2025, 1, 1), started_at=now)
        s.add(run)
        s.commit()
        s.add(
            RateSpan(
                vendor="t",
                model="m",
                field="input",
                tier="standard",
                unit="usd_per_mtok",
                value=0.075,
                status="verified",
                source_url="u",
                fetch_sha256="0" * 64,  # type: ignore[arg-type]
                fetched_at=now,
                valid_from=date(2025, 1, 1),
                run_id=run.id or 0,
            )
        )
        with pytest.raises(Exception, match="float"):
            s.commit()


def test_json_output_prints_money_as_decimal_strings() -> None:
    assert to_json([{"usd_per_mtok": Decimal("0.075")}]) == '[\n  {\n    "usd_per_mtok": "0.075"\n  }\n]'


def test_long_amounts_keep_every_digit() -> None:
    from ratecard.parsers.base import normalize

    long = Decimal("1234567890123456789012345678901.5")
    assert normalize(long) == long and to_text(long) == "1234567890123456789012345678901.5"
    assert to_text(Decimal("1E+2")) == "100"
