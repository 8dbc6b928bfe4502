"""Third-party text made inert in every output: terminals, tables, CSV cells, logs, stored messages.

Model ids, page text and error messages come from pages and APIs anyone can write to (OpenRouter
ids are chosen by whoever lists a model). They never reach a terminal raw: control characters
(ANSI CSI/OSC sequences, carriage returns, bidi overrides) are shown as visible escapes such as
``\\x1b``, tables never interpret markup, CSV cells that a spreadsheet would run as a formula are
neutralised, and messages are capped. JSON keeps every character exactly (it escapes them itself).
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
MESSAGE_CAP = 400
"""Characters of a stored or printed message; the rest is dropped with a note of how much."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control or direction-changing character shown as an escape."""
    return _CONTROL.sub(_escape, text)


def capped(text: str, limit: int = MESSAGE_CAP) -> str:
    """At most ``limit`` characters, saying how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def message(text: str, limit: int = MESSAGE_CAP) -> str:
    """A one-line message safe to print, log and store: visible escapes, capped."""
    return capped(visible(text), limit)


def csv_cell(text: str, raw: bool = False) -> str:
    """A text cell a spreadsheet shows as text: a leading ``= + - @ TAB CR`` gets a ``'`` before it.

    ``raw`` keeps the text exactly (``--csv-raw``): for programs, not spreadsheets.
    """
    if raw or not text.startswith(_FORMULA):
        return text
    return "'" + text
