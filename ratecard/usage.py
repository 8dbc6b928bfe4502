"""What one request used, and which rate fields price each quantity of it.

:class:`Usage` is the public description of a request (``ratecard.Usage``); :data:`DEMANDS` says,
once, which rate fields bill each of its quantities and in which unit, so the pricing code, the
CLI options and the adapters never each keep their own list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

SERVICE_TIERS: Final = ("standard", "batch", "flex", "priority")
"""``batch`` prices with the ``batch_*`` fields; ``flex``/``priority`` with the ``service=`` tiers."""
SEARCH_CONTEXTS: Final = ("low", "medium", "high")
_SERVICE_TIERS = frozenset({None, *SERVICE_TIERS})
_SEARCH_CONTEXTS = frozenset({None, *SEARCH_CONTEXTS})

Quantity = int | Decimal
CHOICES: Final = ("image_size", "image_quality", "video_resolution", "search_context", "service_tier")
"""The Usage fields that choose tiers rather than count anything."""


@dataclass(frozen=True, slots=True)
class Usage:
    """One request's quantities. Token counts follow the vendors' usage objects (Anthropic's):
    ``input_tokens`` is the input that was neither read from nor written to the cache.

    ``requests`` is 1: a price is for one request, so a model with a per-request fee charges it
    (models without one ignore it). Everything else defaults to none used.
    """

    input_tokens: int = 0
    """Input tokens not read from or written to the cache."""
    output_tokens: int = 0
    """Output tokens, reasoning included where the vendor bills reasoning as output."""
    reasoning_tokens: int = 0
    """Reasoning tokens a vendor prices apart from output (Perplexity Deep Research); elsewhere
    count them in ``output_tokens``: a model without a ``reasoning`` rate refuses them."""
    citation_tokens: int = 0
    """Citation tokens (Perplexity Deep Research)."""
    cache_read_tokens: int = 0
    cache_write_5m_tokens: int = 0
    """Tokens written to a 5-minute cache (the ``cache_write`` price where a vendor has one)."""
    cache_write_1h_tokens: int = 0
    images: int = 0
    """Images generated, priced per image by ``image_size`` and ``image_quality`` tiers."""
    image_size: str | None = None
    """The size or resolution tier of the images (``1024x1024``, ``1k``), as the vendor names it."""
    image_quality: str | None = None
    seconds: Quantity = 0
    """Seconds of audio or video priced per second."""
    video_resolution: str | None = None
    """The resolution tier of per-second video prices (``720p``), as the vendor names it."""
    minutes: Quantity = 0
    """Minutes of audio priced per minute."""
    characters: int = 0
    """Characters of speech generated (priced per million characters)."""
    requests: int = 1
    searches: int = 0
    """Web searches (tool calls), priced per search or per 1,000."""
    search_context: str | None = None
    """``low``, ``medium`` or ``high``: the tier of per-request and search fees that depend on it."""
    service_tier: str | None = None
    """``batch``, ``flex`` or ``priority``; None or ``standard`` for the plain rates."""
    prompt_tokens: int = field(init=False, repr=False, compare=False)
    """All input tokens, cached or not: what a ``context>N`` threshold is measured on."""
    shape: int = field(init=False, repr=False, compare=False)
    """Which quantities are used and the tier choices, as a small number (see :data:`SHAPES`):
    requests of one shape share their rates, so pricing one needs no pass over its fields."""

    def __post_init__(self) -> None:
        used: list[object] = []
        for name in QUANTITIES:
            value = getattr(self, name)
            if value:
                if isinstance(value, float):
                    raise TypeError(f"{name} must be an int or a Decimal (exact), not a float: {value!r}")
                if value < 0:
                    raise ValueError(f"{name} must not be negative, got {value}")
                used.append(name)
        used += [getattr(self, name) for name in CHOICES]
        cached = self.cache_read_tokens + self.cache_write_5m_tokens + self.cache_write_1h_tokens
        object.__setattr__(self, "prompt_tokens", self.input_tokens + cached)
        object.__setattr__(self, "shape", SHAPES.setdefault(tuple(used), len(SHAPES)))
        if self.service_tier not in _SERVICE_TIERS:
            raise ValueError(
                f"service_tier must be one of {', '.join(SERVICE_TIERS)}, got {self.service_tier!r}"
            )
        if self.search_context not in _SEARCH_CONTEXTS:
            raise ValueError(
                f"search_context must be one of {', '.join(SEARCH_CONTEXTS)}, got {self.search_context!r}"
            )

    @property
    def batch(self) -> bool:
        return self.service_tier == "batch"


@dataclass(frozen=True, slots=True)
class Demand:
    """One quantity of a :class:`Usage` and the rate fields that bill it, in order of preference."""

    name: str
    """The Usage field."""
    counts: str
    """What the rate's unit must count (:attr:`ratecard.units.Unit.quantity`)."""
    fields: tuple[str, ...]
    batch_fields: tuple[str, ...]
    """The fields at batch rates (none: the quantity has no batch price)."""
    dims: tuple[tuple[str, str], ...] = ()
    """(Usage field, tier dimension) pairs that choose among the rates (image size, search context)."""
    optional: bool = False
    """Billed only where the model has such a rate (a per-request fee), never an error."""


DEMANDS: Final[tuple[Demand, ...]] = (
    Demand("input_tokens", "tokens", ("input",), ("batch_input",)),
    Demand("cache_read_tokens", "tokens", ("cache_read",), ("batch_cache_read",)),
    Demand("cache_write_5m_tokens", "tokens", ("cache_write_5m", "cache_write"), ("batch_cache_write",)),
    Demand("cache_write_1h_tokens", "tokens", ("cache_write_1h", "cache_write"), ("batch_cache_write",)),
    Demand("output_tokens", "tokens", ("output",), ("batch_output",)),
    Demand("reasoning_tokens", "tokens", ("reasoning",), ()),
    Demand("citation_tokens", "tokens", ("citation",), ()),
    Demand(
        "images",
        "images",
        ("image_generation",),
        ("batch_image_generation",),
        (("image_size", "size"), ("image_size", "resolution"), ("image_quality", "quality")),
    ),
    Demand(
        "seconds",
        "seconds",
        ("video_generation", "transcription"),
        (),
        (("video_resolution", "resolution"),),
    ),
    Demand("minutes", "minutes", ("transcription",), ()),
    Demand("characters", "characters", ("speech_generation",), ()),
    Demand("requests", "requests", ("request",), ("request",), (("search_context", "search_context"),), True),
    Demand("searches", "requests", ("web_search",), (), (("search_context", "search_context"),)),
)
"""Every quantity a Usage can hold, in billing order (the order of a quote's lines)."""


QUANTITIES: Final[tuple[str, ...]] = tuple(d.name for d in DEMANDS)
SHAPES: dict[tuple[object, ...], int] = {}
"""Every request shape seen (used quantities, then tier choices) -> its number."""
