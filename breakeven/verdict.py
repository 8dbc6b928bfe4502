"""The verdict: does the candidate pay back within its lifetime, and what should a person check."""

from __future__ import annotations

from ratecard.breakeven.display import fixed, plural, usd, volume
from ratecard.breakeven.rates import DOUBTFUL, RateUsed
from ratecard.breakeven.result import Gpus, Result, Verdict


def judge(result: Result) -> Verdict:
    """Blocking reasons first (they make the answer "no"), then the figures behind the answer."""
    blockers = _blockers(result)
    doubts = [_doubt(r) for r in result.rates_used if r.status in DOUBTFUL]
    gpus = result.gpu_plan
    short = gpus is not None and gpus.needed > gpus.given
    reasons = [
        *blockers,
        *([_short_of_gpus(gpus)] if gpus is not None and short else []),
        *_findings(result, pays_back=not blockers),
        *doubts,
        *result.notes,
    ]
    if blockers:
        summary = f"Does not pay back: {blockers[0]}."
    elif not result.payback_months:
        summary = f"Saves {usd(result.monthly_savings_usd)} a month with nothing upfront to repay."
    else:
        summary = f"Pays back in {fixed(result.payback_months, 1)} months."
    if gpus is not None and short:
        summary += (
            f" Priced with {plural(gpus.needed, 'GPU')}: the {gpus.given} given cannot serve the volume."
        )
    if doubts:
        summary += f" Check {len(doubts)} stale or inferred rate(s) before deciding."
    return Verdict(not blockers, summary, tuple(reasons))


def _blockers(result: Result) -> list[str]:
    payback, lifetime = result.payback_months, result.lifetime_months
    if payback is None:
        return [result.payback_reason or "it never pays back"]
    if lifetime is not None and payback > lifetime:
        return [f"payback {fixed(payback, 1)} months is longer than the {lifetime}-month lifetime"]
    return []


def _short_of_gpus(gpus: Gpus) -> str:
    return (
        f"the GPUs' busiest month is {volume(gpus.busiest_tokens)} tokens: "
        f"{plural(gpus.needed, 'GPU')} at the stated throughput, but {_serve(gpus)}; "
        f"every month is priced with {gpus.needed}"
    )


def _serve(gpus: Gpus) -> str:
    """What the GPUs given can serve, e.g. "2 GPUs serve at most 7.9 billion tokens a month"."""
    verb = "serves" if gpus.given == 1 else "serve"
    most = volume(gpus.tokens_per_gpu_month * gpus.given)
    return f"{plural(gpus.given, 'GPU')} {verb} at most {most} tokens a month"


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
    out.append(_breakeven_volume(result))
    return out


def _breakeven_volume(result: Result) -> str:
    tokens, horizon = result.breakeven_tokens_per_month, result.horizon_months
    if tokens is None:
        return f"no volume pays back within {horizon} months: {result.breakeven_volume_reason}"
    requests = result.breakeven_requests_per_month
    also = f" ({volume(requests)} requests)" if requests is not None else ""
    text = f"break-even volume: {volume(tokens)} tokens a month{also} to pay back within {horizon} months"
    gpus = result.gpu_plan
    if gpus is None or gpus.at_breakeven is None or gpus.busiest_tokens_at_breakeven is None:
        return text
    if gpus.at_breakeven <= gpus.given:
        return text
    return (
        f"{text}; at that volume the GPUs' busiest month is {volume(gpus.busiest_tokens_at_breakeven)} "
        f"tokens: {plural(gpus.at_breakeven, 'GPU')}, priced in, as {_serve(gpus)}"
    )


def _doubt(rate: RateUsed) -> str:
    why = f": {rate.reason}" if rate.reason else ""
    return f"{rate.field} rate of {rate.ref} ({rate.tier}, {rate.date}) is {rate.status}{why}"
