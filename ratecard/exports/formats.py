"""The names of the export formats, kept apart so the CLI can list them without loading the store."""

from __future__ import annotations

from enum import StrEnum


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    litellm = "litellm"
    genai_prices = "genai-prices"


class CostFormat(StrEnum):
    table = "table"
    json = "json"
