"""LiteLLM's and genai-prices' call shapes answered by a RateBook: same rates, exact Decimals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from test_export import LONG, checked  # noqa: F401  (replay, built per module)

from ratecard import MissingRate, RateBook, UnknownModel

SONNET = "claude-sonnet-4-5"
AT = datetime(2025, 11, 19, 12, tzinfo=UTC)


def test_cost_per_token_splits_prompt_and_completion_exactly(checked: str) -> None:  # noqa: F811
    book = RateBook.open(checked)
    prompt, completion = book.cost_per_token(
        SONNET,
        prompt_tokens=3000,  # LiteLLM counts cache reads and writes in the prompt
        completion_tokens=200,
        cache_read_input_tokens=1000,
        cache_creation_input_tokens=500,
        custom_llm_provider="anthropic",
        at=AT,
    )
    # 1500 × $3 + 1000 × $0.30 + 500 × $3.75 per MTok; 200 × $15
    assert (prompt, completion) == (Decimal("0.006675"), Decimal("0.003"))
    assert isinstance(prompt, Decimal)
    assert book.cost_per_token(f"anthropic/{SONNET}", 250_001, 0, at=AT)[0] == Decimal("1.500006")
    with pytest.raises(ValueError, match="must include"):
        book.cost_per_token(SONNET, 10, 0, cache_read_input_tokens=11, at=AT)
    with pytest.raises(UnknownModel):
        book.cost_per_token("gpt-99", 10, 0, at=AT)


def test_calc_price_reads_genai_prices_usage_and_answers_exactly(checked: str) -> None:  # noqa: F811
    book = RateBook.open(checked)
    usage = SimpleNamespace(
        input_tokens=3000, cache_read_tokens=1000, cache_write_tokens=500, output_tokens=200
    )
    found = book.calc_price(usage, SONNET, provider_id="anthropic", genai_request_timestamp=AT)
    assert (found.input_price, found.output_price) == (Decimal("0.006675"), Decimal("0.003"))
    assert found.total_price == found.quote.total_usd == Decimal("0.009675")
    assert found.quote.rates_used[0].source_url.startswith("http://127.0.0.1:")
    hourly = SimpleNamespace(input_tokens=1000, cache_write_1h_tokens=1000)
    assert book.calc_price(hourly, f"anthropic/{SONNET}", genai_request_timestamp=AT).total_price == Decimal(
        "0.006"
    )
    with pytest.raises(MissingRate):
        book.calc_price(SimpleNamespace(input_tokens=1, web_searches=1), SONNET, genai_request_timestamp=AT)


def test_calc_price_takes_genai_prices_own_usage(checked: str) -> None:  # noqa: F811
    genai_prices = pytest.importorskip("genai_prices")
    usage = genai_prices.Usage(input_tokens=3000, cache_read_tokens=1000, output_tokens=200)
    found = RateBook.open(checked).calc_price(
        usage, SONNET, provider_id="anthropic", genai_request_timestamp=AT
    )
    # input_tokens counts the cached ones: 2000 × $3 + 1000 × $0.30 + 200 × $15 per MTok
    assert found.total_price == Decimal("0.006") + Decimal("0.0003") + Decimal("0.003")
    theirs = genai_prices.calc_price(usage, SONNET, provider_id="anthropic", genai_request_timestamp=AT)
    assert theirs.total_price == found.total_price  # the same published rates, the same answer
