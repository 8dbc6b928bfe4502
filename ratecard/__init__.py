"""ratecard: an audited, day-by-day record of what LLM APIs cost.

The in-process API (see README, "In Python") is loaded on first use, so ``import ratecard`` and
the CLI's start-up stay light::

    from ratecard import RateBook, Usage
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ratecard.costing import Line, MissingRate, NoRates, PricingError, Quote
    from ratecard.ratebook import RateBook
    from ratecard.resolve import AmbiguousModel, Resolved, UnknownModel
    from ratecard.usage import Usage

__version__ = "0.1.0"

_PUBLIC = {
    "RateBook": "ratecard.ratebook",
    "Usage": "ratecard.usage",
    "Quote": "ratecard.costing",
    "Line": "ratecard.costing",
    "PricingError": "ratecard.costing",
    "NoRates": "ratecard.costing",
    "MissingRate": "ratecard.costing",
    "UnknownModel": "ratecard.resolve",
    "AmbiguousModel": "ratecard.resolve",
    "Resolved": "ratecard.resolve",
}
__all__ = [
    "AmbiguousModel",
    "Line",
    "MissingRate",
    "NoRates",
    "PricingError",
    "Quote",
    "RateBook",
    "Resolved",
    "UnknownModel",
    "Usage",
    "__version__",
]


def __getattr__(name: str) -> Any:
    """``ratecard.RateBook`` and friends, imported when first asked for (PEP 562)."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'ratecard' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
