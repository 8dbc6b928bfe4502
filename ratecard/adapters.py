"""The two call shapes users already know, answered by a RateBook in exact Decimals.

- LiteLLM's ``cost_per_token(model, prompt_tokens, completion_tokens, ...)`` -> ``(prompt_cost,
  completion_cost)``: ``prompt_tokens`` counts all the input, cache reads and writes included.
- genai-prices' ``calc_price(usage, model_ref, provider_id=..., genai_request_timestamp=...)``:
  ``usage`` is any object with genai-prices' usage attributes (``input_tokens`` counts all the
  input, ``cache_read_tokens``, ``cache_write_tokens``, ``output_tokens``...), its own
  ``genai_prices.Usage`` included; the answer has ``input_price``, ``output_price``, ``total_price``.

Both go through :meth:`RateBook.price`: same rates, same tiers, same refusals (a LookupError,
never a $0), and the :class:`~ratecard.costing.Quote` is kept on the answer for its provenance.
Neither imports litellm nor genai-prices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ratecard.costing import Quote
from ratecard.usage import Usage

if TYPE_CHECKING:
    from ratecard.ratebook import RateBook

INPUT_SIDE = frozenset(
    {"input_tokens", "cache_read_tokens", "cache_write_5m_tokens", "cache_write_1h_tokens"}
)
"""Usage fields whose lines are the prompt's cost; the rest (output, reasoning, fees) the completion's."""


def split(quote: Quote) -> tuple[Decimal, Decimal]:
    """(input side, everything else) of a quote, exactly; they add up to its total."""
    prompt = sum((line.usd for line in quote.lines if line.usage in INPUT_SIDE), Decimal(0))
    return prompt, quote.total_usd - prompt


def _ref(model: str, provider: str | None) -> str:
    """LiteLLM's (model, custom_llm_provider) as one name: ``provider/model`` unless already so."""
    if provider and not model.startswith(f"{provider}/"):
        return f"{provider}/{model}"
    return model


def cost_per_token(
    book: RateBook,
    model: str,
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
    *,
    cache_read_input_tokens: int = 0,
    cache_creation_input_tokens: int = 0,
    custom_llm_provider: str | None = None,
    service_tier: str | None = None,
    at: date | datetime | None = None,
) -> tuple[Decimal, Decimal]:
    """LiteLLM's shape: ``(prompt_cost, completion_cost)`` in exact USD. Cache writes are billed
    as 5-minute writes (LiteLLM's ``cache_creation_input_tokens``)."""
    fresh = prompt_tokens - cache_read_input_tokens - cache_creation_input_tokens
    if fresh < 0:
        raise ValueError("prompt_tokens must include cache_read_input_tokens and cache_creation_input_tokens")
    usage = Usage(
        input_tokens=fresh,
        output_tokens=completion_tokens,
        cache_read_tokens=cache_read_input_tokens,
        cache_write_5m_tokens=cache_creation_input_tokens,
        service_tier=service_tier,
    )
    return split(book.price(_ref(model, custom_llm_provider), usage, at))


@dataclass(frozen=True, slots=True)
class PriceCalculation:
    """genai-prices' answer, exact: the prompt's, the completion's and the total price in USD."""

    input_price: Decimal
    output_price: Decimal
    total_price: Decimal
    quote: Quote
    """The full answer: lines, rates used with their provenance, notes."""


def _count(usage: object, name: str) -> int:
    value = getattr(usage, name, None)
    return int(value or 0)


def usage_of(usage: object) -> Usage:
    """A genai-prices style usage (``input_tokens`` includes cache reads and writes) as ours."""
    read = _count(usage, "cache_read_tokens")
    hour = _count(usage, "cache_write_1h_tokens")
    minutes = _count(usage, "cache_write_5m_tokens") or max(_count(usage, "cache_write_tokens") - hour, 0)
    fresh = _count(usage, "input_tokens") - read - minutes - hour
    if fresh < 0:
        raise ValueError("input_tokens must include cache_read_tokens and cache_write_tokens")
    return Usage(
        input_tokens=fresh,
        output_tokens=_count(usage, "output_tokens"),
        cache_read_tokens=read,
        cache_write_5m_tokens=minutes,
        cache_write_1h_tokens=hour,
        searches=_count(usage, "web_searches"),
    )


def calc_price(
    book: RateBook,
    usage: object,
    model_ref: str,
    *,
    provider_id: str | None = None,
    genai_request_timestamp: datetime | None = None,
) -> PriceCalculation:
    """genai-prices' shape: the price of ``usage`` on ``model_ref`` (of ``provider_id``) at the
    request's time (None: now), in exact Decimals."""
    quote = book.price(_ref(model_ref, provider_id), usage_of(usage), genai_request_timestamp)
    prompt, completion = split(quote)
    return PriceCalculation(prompt, completion, quote.total_usd, quote)
