"""Rates read from snapshots through the RateSource interface, with provenance carried through."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from helpers import capture, run_captures
from sqlalchemy import Engine

from ratecard import tiers
from ratecard.breakeven.inputs import build
from ratecard.breakeven.options import InputError
from ratecard.breakeven.rates import RateSource, RateStatus, RateUsed
from ratecard.breakeven.result import Result
from ratecard.capture_server import CaptureServer
from ratecard.config.settings import Settings
from ratecard.crawler.rawstore import RawStore
from ratecard.rate_source import SnapshotRates

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


SONNET, HAIKU, MINI, O4, NANO = (
    "anthropic/claude-sonnet-4-5",
    "anthropic/claude-haiku-4-5",
    "openai/gpt-4.1-mini",
    "openai/o4-mini",
    "openai/gpt-4.1-nano",
)
SNAPSHOT = [
    rate(SONNET, "input", "3"),
    rate(SONNET, "output", "15"),
    rate(SONNET, "input", "6", tier="context>200k"),
    rate(HAIKU, "input", "1"),
    rate(HAIKU, "output", "5", status="stale", reason="not seen on the page since 2025-10-29"),
    rate(MINI, "input", "0.4"),
    rate(MINI, "output", "1.6"),
    rate(MINI, "input", "0.8", tiers.FINE_TUNED),
    rate(MINI, "output", "3.2", tiers.FINE_TUNED),
    rate(MINI, "training", "5", tiers.FINE_TUNED, status="inferred", reason="from the fine-tuning guide"),
    rate(O4, "input", "4", tiers.FINE_TUNED),
    rate(O4, "output", "16", tiers.FINE_TUNED),
    rate(O4, "training", "100", tiers.FINE_TUNED, unit="usd_per_hour"),
    rate(NANO, "input", "0.1"),
    rate(NANO, "output", "0.4"),
    rate(f"{NANO}-2025-04-14", "input", "0.2", tiers.FINE_TUNED),
    rate("bedrock/claude-haiku-4-5", "input", "1"),
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


class SearchableSource(FakeSource):
    """One that also finds models by id, as the snapshot store does."""

    def find(self, model: str, as_of: date | None) -> list[str]:
        return sorted({r.ref for r in SNAPSHOT if r.model.startswith(model)})


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
    assert {x.tier for x in r.rates_used if x.vendor == "openai"} == {tiers.FINE_TUNED}
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


def test_a_bare_model_id_listed_by_one_vendor_is_that_vendors_model() -> None:
    source = SearchableSource()
    r = ask(source, baseline="claude-sonnet-4-5", candidate="gpt-4.1-mini")
    assert source.asked == [("anthropic", "claude-sonnet-4-5", None), ("openai", "gpt-4.1-mini", None)]
    assert (r.baseline.label, r.candidate.label) == (SONNET, MINI)


@pytest.mark.parametrize(
    ("bare", "message"),
    [
        ("claude-haiku-4-5", "'claude-haiku-4-5' is listed by several vendors: "
         "anthropic/claude-haiku-4-5, bedrock/claude-haiku-4-5; name one"),
        ("gpt-4.1", "'gpt-4.1' is not VENDOR/MODEL and no vendor lists that model id; models starting "
         "with it: openai/gpt-4.1-mini, openai/gpt-4.1-nano, openai/gpt-4.1-nano-2025-04-14"),
        ("sonnet", "'sonnet' is not VENDOR/MODEL and no vendor lists that model id"),
    ],
    ids=["two-vendors", "prefix-only", "nothing"],
)  # fmt: skip
def test_a_bare_model_id_that_is_not_one_vendors_names_the_candidates(bare: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        ask(SearchableSource(), baseline=SONNET, candidate=bare)
    assert str(caught.value) == message


def test_a_fine_tune_of_a_model_without_that_tier_names_the_ids_that_have_it() -> None:
    with pytest.raises(LookupError) as caught:
        ask(SearchableSource(), baseline=SONNET, candidate=NANO, fine_tune=True, training_tokens="1")
    assert str(caught.value) == (
        "openai/gpt-4.1-nano has no rates in tier 'variant=fine-tuned'; "
        "that tier is listed for openai/gpt-4.1-nano-2025-04-14"
    )


def test_snapshot_store_finds_models_and_keeps_fetch_provenance(
    engine: Engine, db_url: str, settings: Settings, raw: RawStore, server: CaptureServer
) -> None:
    run_captures(
        engine,
        settings,
        raw,
        server,
        DAY,
        anthropic=capture("anthropic", "2025-11-19"),
        openai=capture("openai", "2025-10-15"),
    )
    store = SnapshotRates(db_url, settings)
    assert "anthropic/claude-sonnet-4-5" in store.find("claude-sonnet-4-5", DAY)
    rates = store.model_rates("anthropic", "claude-sonnet-4-5", DAY)
    assert all(r.last_verified == DAY and r.fetched_at is not None for r in rates)
    assert {r.usd_per_mtok for r in rates if (r.field, r.tier) == ("input", "standard")} == {Decimal(3)}

    def open_store() -> RateSource:
        return store

    opts = WORKLOAD | {"baseline": "claude-sonnet-4-5", "candidate": MINI, "as_of": "2025-11-19"}
    assert build(opts, open_store, DAY).baseline.label == SONNET
    with pytest.raises(LookupError, match=r"that tier is listed for openai/gpt-4\.1-mini-2025-04-14"):
        build(opts | {"fine_tune": True, "training_tokens": "1"}, open_store, DAY)
