"""A result as JSON (money as decimal strings) or as a table for people."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table

from ratecard import tiers
from ratecard.breakeven.display import count, fixed, money, plain, price, usd, volume
from ratecard.breakeven.rates import RateUsed
from ratecard.breakeven.result import Gpus, Result, Side

_UNITS = {"usd_per_mtok": "/MTok", "usd_per_hour": "/hour", "usd_per_gpu_hour": "/GPU hour"}


def to_json(result: Result) -> dict[str, Any]:
    """The public JSON shape of ``ratecard breakeven --format json``."""
    work = result.workload
    candidate = _side(result.candidate)
    if result.gpu_plan is not None:
        candidate |= _gpus(result.gpu_plan)
    return {
        "baseline": _side(result.baseline),
        "candidate": candidate,
        "workload": {
            "requests_per_month": _opt(work.requests_per_month, plain),
            "tokens_per_month": plain(work.units_per_month * work.tokens_per_unit),
            "coverage": plain(work.coverage),
            "monthly_growth": plain(work.monthly_growth),
        },
        "monthly_savings_usd": money(result.monthly_savings_usd),
        "savings_usd_per_mtok": _opt(result.savings_usd_per_mtok, price),
        "savings_usd_per_request": _opt(result.savings_usd_per_request, price),
        "upfront_usd": money(result.upfront_usd),
        "payback_months": _opt(result.payback_months, fixed),
        "payback_reason": result.payback_reason,
        "breakeven_tokens": _opt(result.breakeven_tokens, count),
        "breakeven_tokens_reason": result.breakeven_tokens_reason,
        "breakeven_tokens_per_month": _opt(result.breakeven_tokens_per_month, count),
        "breakeven_requests_per_month": _opt(result.breakeven_requests_per_month, count),
        "breakeven_volume_reason": result.breakeven_volume_reason,
        "breakeven_horizon_months": result.horizon_months,
        "lifetime_months": result.lifetime_months,
        "verdict": {
            "pays_back": result.verdict.pays_back,
            "summary": result.verdict.summary,
            "reasons": list(result.verdict.reasons),
        },
        "rates_used": [_rate(r) for r in result.rates_used],
    }


def to_table(result: Result) -> RenderableType:
    """Both paths side by side, the answer, then every rate with its provenance."""
    sides = Table(title="Break-even", show_header=True)
    for header in ("", "baseline", "candidate"):
        sides.add_column(header)
    base, cand = result.baseline, result.candidate
    sides.add_row("path", base.label, cand.label)
    if base.cost_per_request_usd is not None and cand.cost_per_request_usd is not None:
        sides.add_row("per request", usd(base.cost_per_request_usd), usd(cand.cost_per_request_usd))
    sides.add_row("per month", usd(base.monthly_usd), usd(cand.monthly_usd))
    sides.add_row("upfront", usd(base.upfront_usd), usd(cand.upfront_usd))
    sides.add_row("first year", usd(base.first_year_usd), usd(cand.first_year_usd))
    answer = Table.grid(padding=(0, 2))
    answer.add_row("monthly savings", usd(result.monthly_savings_usd))
    payback = result.payback_months
    answer.add_row("payback", f"{fixed(payback, 1)} months" if payback is not None else "never")
    tokens = result.breakeven_tokens
    answer.add_row("break-even tokens", "never" if tokens is None else volume(tokens))
    answer.add_row("verdict", result.verdict.summary)
    for reason in result.verdict.reasons:
        answer.add_row("", f"- {reason}")
    rates = Table(title="Rates used")
    for header in ("rate", "USD", "date", "status", "source"):
        rates.add_column(header)
    for r in result.rates_used:
        tier = "" if r.tier == tiers.STANDARD else f" [{r.tier}]"
        unit = _UNITS.get(r.unit, r.unit)
        source = r.source_url or r.reason or ""
        rates.add_row(
            f"{r.ref} {r.field}{tier}", f"{plain(r.value_usd)} {unit}", str(r.date), r.status, source
        )
    return Group(sides, answer, rates)


def _side(side: Side) -> dict[str, Any]:
    return {
        "label": side.label,
        "kind": side.kind,
        "cost_per_request_usd": _opt(side.cost_per_request_usd, price),
        "usage_monthly_usd": money(side.usage_monthly_usd),
        "fixed_monthly_usd": money(side.fixed_monthly_usd),
        "monthly_usd": money(side.monthly_usd),
        "upfront_usd": money(side.upfront_usd),
        "first_year_usd": money(side.first_year_usd),
    }


def _gpus(gpus: Gpus) -> dict[str, Any]:
    return {
        "gpus": gpus.given,
        "gpus_needed": gpus.needed,
        "gpus_priced": gpus.priced,
        "gpus_at_breakeven": gpus.at_breakeven,
        "tokens_per_gpu_month": count(gpus.tokens_per_gpu_month),
    }


def _rate(rate: RateUsed) -> dict[str, Any]:
    """Names may be added here, never removed: scripts read them."""
    return {
        "vendor": rate.vendor,
        "model": rate.model,
        "field": rate.field,
        "tier": rate.tier,
        "value_usd": plain(rate.value_usd),
        "usd_per_mtok": _opt(rate.usd_per_mtok, plain),
        "unit": rate.unit,
        "date": rate.date.isoformat(),
        "fetched_at": None if rate.fetched_at is None else rate.fetched_at.isoformat(),
        "last_verified": None if rate.last_verified is None else rate.last_verified.isoformat(),
        "status": rate.status,
        "source_url": rate.source_url,
        "reason": rate.reason,
    }


def _opt(value: Decimal | None, fmt: Callable[[Decimal], str]) -> str | None:
    return None if value is None else fmt(value)
