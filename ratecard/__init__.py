"""ratecard: an audited, day-by-day record of what LLM APIs cost."""

__version__ = "0.1.0"
