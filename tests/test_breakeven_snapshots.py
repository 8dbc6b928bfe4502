"""Rates read from snapshots through the RateSource interface, with provenance carried through."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ratecard.breakeven.inputs import build
from ratecard.breakeven.options import InputError
from ratecard.breakeven.rates import FINE_TUNED_TIER, RateSource, RateStatus, RateUsed
from ratecard.breakeven.result import Result

DAY = date(2025, 11, 19)
ANTHROPIC = "https://docs.claude.com/en/docs/about-claude/pricing"
OPENAI = "https://platform.openai.com/docs/pricing"


def rate(
    model: str,
    field: str,
    usd: str,
    tier: str = "standard",
    status: RateStatus = "verified",
    reason: str | None = None,
    unit: str = "usd_per_mtok",
) -> RateUsed:
    vendor, _, name = model.partition("/")
    url = ANTHROPIC if vendor == "anthropic" else OPENAI
    return RateUsed(vendor, name, field, tier, Decimal(usd), unit, DAY, status, url, reason)


SONNET, HAIKU, MINI, O4 = (
    "anthropic/claude-sonnet-4-5",
    "anthropic/claude-haiku-4-5",
    "openai/gpt-4.1-mini",
    "openai/o4-mini",
)
SNAPSHOT = [
    rate(SONNET, "input", "3"),
    rate(SONNET, "output", "15"),
    rate(SONNET, "input", "6", tier="context>200k"),
    rate(HAIKU, "input", "1"),
    rate(HAIKU, "output", "5", status="stale", reason="not seen on the page since 2025-10-29"),
    rate(MINI, "input", "0.4"),
    rate(MINI, "output", "1.6"),
    rate(MINI, "input", "0.8", FINE_TUNED_TIER),
    rate(MINI, "output", "3.2", FINE_TUNED_TIER),
    rate(MINI, "training", "5", FINE_TUNED_TIER, status="inferred", reason="from the fine-tuning guide"),
    rate(O4, "input", "4", FINE_TUNED_TIER),
    rate(O4, "output", "16", FINE_TUNED_TIER),
    rate(O4, "training", "100", FINE_TUNED_TIER, unit="usd_per_hour"),
]
WORKLOAD = {"requests_per_month": "1000000", "input_tokens": "1000", "output_tokens": "200"}


class FakeSource:
    """An in-memory snapshot store that records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, date | None]] = []

    def model_rates(self, vendor: str, model: str, as_of: date | None) -> list[RateUsed]:
        self.asked.append((vendor, model, as_of))
        found = [r for r in SNAPSHOT if (r.vendor, r.model) == (vendor, model)]
        if not found:
            raise LookupError(f"no rates for {vendor}/{model}")
        return found


def ask(source: FakeSource | None = None, **opts: object) -> Result:
    opened: list[RateSource] = []

    def open_source() -> RateSource:
        opened.append(source or FakeSource())
        return opened[-1]

    result = build(WORKLOAD | opts, open_source, DAY).answer()
    assert len(opened) <= 1, "the rate source is opened once"
    return result


def test_snapshot_rates_are_used_with_their_provenance() -> None:
    source = FakeSource()
    r = ask(source, baseline=SONNET, candidate=HAIKU, as_of="2025-11-19")
    assert source.asked == [
        ("anthropic", "claude-sonnet-4-5", DAY),
        ("anthropic", "claude-haiku-4-5", DAY),
    ]
    assert r.baseline.cost_per_request_usd == Decimal("0.006")  # 1000 × $3 + 200 × $15, per MTok
    assert r.candidate.cost_per_request_usd == Decimal("0.002")
    assert {(x.ref, x.field, x.tier, x.status) for x in r.rates_used} == {
        (SONNET, "input", "standard", "verified"),
        (SONNET, "output", "standard", "verified"),
        (HAIKU, "input", "standard", "verified"),
        (HAIKU, "output", "standard", "stale"),
    }
    assert all(x.source_url == ANTHROPIC and x.date == DAY for x in r.rates_used)


def test_a_stale_rate_is_called_out_in_the_verdict() -> None:
    r = ask(baseline=SONNET, candidate=HAIKU)
    assert r.verdict.pays_back
    assert r.verdict.summary == (
        "Saves $4,000.00 a month with nothing upfront to repay. "
        "Check 1 stale or inferred rate(s) before deciding."
    )
    assert (
        "output rate of anthropic/claude-haiku-4-5 (standard, 2025-11-19) is stale: "
        "not seen on the page since 2025-10-29"
    ) in r.verdict.reasons


def test_fine_tune_takes_the_fine_tuned_tier_and_its_training_rate() -> None:
    r = ask(baseline=SONNET, candidate=MINI, fine_tune=True, training_tokens="2000000", epochs="3")
    assert r.upfront_usd == Decimal(30)  # 2M tokens × 3 epochs × $5/MTok
    assert r.candidate.cost_per_request_usd == Decimal("0.00144")  # 1000 × $0.80 + 200 × $3.20
    assert {x.tier for x in r.rates_used if x.vendor == "openai"} == {FINE_TUNED_TIER}
    assert any(reason.startswith("training rate of openai/gpt-4.1-mini") for reason in r.verdict.reasons)
    assert r.candidate.label == "openai/gpt-4.1-mini (fine-tuned)"


def test_training_rate_option_overrides_the_snapshot() -> None:
    r = ask(baseline=SONNET, candidate=MINI, fine_tune=True, training_tokens="2000000", training_rate="2")
    assert r.upfront_usd == Decimal(4)
    training = [x for x in r.rates_used if x.field == "training"]
    assert [(t.vendor, t.status) for t in training] == [("manual", "given")]


def test_training_priced_per_hour_asks_for_a_per_token_rate() -> None:
    with pytest.raises(InputError, match=r"trains at \$100 \(usd_per_hour\).*--training-rate"):
        ask(baseline=SONNET, candidate=O4, fine_tune=True, training_tokens="1000")


def test_unknown_models_and_tiers_are_lookup_errors() -> None:
    with pytest.raises(LookupError, match="no rates for openai/gpt-9"):
        ask(baseline=SONNET, candidate="openai/gpt-9")
    with pytest.raises(LookupError, match="claude-haiku-4-5 has no rates in tier 'variant=fine-tuned'"):
        ask(baseline=SONNET, candidate=HAIKU, fine_tune=True, training_tokens="1", training_rate="1")
    with pytest.raises(InputError, match="'sonnet' is not VENDOR/MODEL"):
        ask(baseline="sonnet", candidate=HAIKU)


def test_hand_rates_and_snapshot_rates_mix() -> None:
    r = ask(baseline=SONNET, candidate_rates="input=0.1,output=0.4")
    assert {x.vendor for x in r.rates_used} == {"anthropic", "manual"}
    assert r.verdict.summary == "Saves $5,820.00 a month with nothing upfront to repay."
