"""The verdict: does the candidate pay back within its lifetime, and what should a person check."""

from __future__ import annotations

from ratecard.breakeven.display import fixed, usd, volume
from ratecard.breakeven.rates import DOUBTFUL, RateUsed
from ratecard.breakeven.result import Result, Verdict


def judge(result: Result) -> Verdict:
    """Blocking reasons first (they make the answer "no"), then the figures behind the answer."""
    blockers = _blockers(result)
    doubts = [_doubt(r) for r in result.rates_used if r.status in DOUBTFUL]
    reasons = [*blockers, *_findings(result, pays_back=not blockers), *doubts, *result.notes]
    if blockers:
        summary = f"Does not pay back: {blockers[0]}."
    elif not result.payback_months:
        summary = f"Saves {usd(result.monthly_savings_usd)} a month with nothing upfront to repay."
    else:
        summary = f"Pays back in {fixed(result.payback_months, 1)} months."
    if doubts:
        summary += f" Check {len(doubts)} stale or inferred rate(s) before deciding."
    return Verdict(not blockers, summary, tuple(reasons))


def _blockers(result: Result) -> list[str]:
    out: list[str] = []
    payback, lifetime = result.payback_months, result.lifetime_months
    if payback is None:
        out.append(result.payback_reason or "it never pays back")
    elif lifetime is not None and payback > lifetime:
        out.append(f"payback {fixed(payback, 1)} months is longer than the {lifetime}-month lifetime")
    if result.gpus is not None and result.gpus_needed is not None and result.gpus_needed > result.gpus:
        out.append(
            f"the volume needs {result.gpus_needed} GPUs at the stated throughput; {result.gpus} are priced"
        )
    return out


def _findings(result: Result, pays_back: bool) -> list[str]:
    out: list[str] = []
    if pays_back and result.payback_months is not None:
        within = f", within the {result.lifetime_months}-month lifetime" if result.lifetime_months else ""
        out.append(f"payback {fixed(result.payback_months, 1)} months{within}")
    out.append(f"saves {usd(result.monthly_savings_usd)} a month against {usd(result.upfront_usd)} upfront")
    out.append(
        f"first year: {usd(result.candidate.first_year_usd)} on the candidate path, "
        f"{usd(result.baseline.first_year_usd)} on the baseline"
    )
    tokens = result.breakeven_tokens_per_month
    if tokens is not None:
        requests = result.breakeven_requests_per_month
        also = f" ({volume(requests)} requests)" if requests is not None else ""
        out.append(
            f"break-even volume: {volume(tokens)} tokens a month{also} "
            f"to pay back within {result.horizon_months} months"
        )
    return out


def _doubt(rate: RateUsed) -> str:
    why = f": {rate.reason}" if rate.reason else ""
    return f"{rate.field} rate of {rate.ref} ({rate.tier}, {rate.date}) is {rate.status}{why}"
