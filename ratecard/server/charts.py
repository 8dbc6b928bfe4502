"""Chart data for the pages: price steps over time, and the break-even chart as an SVG.

Pure functions of typed rows. Floats appear only in what the browser plots (uPlot takes numbers);
the values travel as decimal strings and the spans table under each chart shows them exactly.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from html import escape
from pathlib import Path

from ratecard.breakeven.result import Result
from ratecard.money import to_text
from ratecard.rows import HistoryRow

TOKEN = "usd_per_mtok"


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    """``field`` on the standard tier, ``field [tier]`` on others."""
    values: list[str | None]
    """USD per MTok in force at each x (None where the rate did not exist)."""


@dataclass(frozen=True, slots=True)
class StepChart:
    x: list[int]
    """Seconds since the epoch (UTC midnight) of every day a value began or ended, then ``until``."""
    series: list[Series]


def epoch(day: date) -> int:
    return int(datetime.combine(day, time(), tzinfo=UTC).timestamp())


def label(field: str, tier: str) -> str:
    return field if tier == "standard" else f"{field} [{tier}]"


def step_chart(rows: Sequence[HistoryRow], until: date) -> StepChart:
    """One series per (field, tier) priced per MTok, each value held from its span's first day to
    the next boundary (a step), drawn up to ``until`` (today) for spans still in force."""
    priced = [r for r in rows if r.unit == TOKEN and r.value is not None]
    keys = sorted({(r.field, r.tier) for r in priced}, key=lambda k: (k[0], k[1] != "standard", k[1]))
    days = sorted({r.valid_from for r in priced} | {r.valid_to for r in priced if r.valid_to} | {until})
    days = [d for d in days if d <= until] or [until]
    series = []
    for field, tier in keys:
        spans = [r for r in priced if (r.field, r.tier) == (field, tier)]
        values = [_at(spans, d) for d in days]
        series.append(Series(label(field, tier), values))
    return StepChart([epoch(d) for d in days], series)


def _at(spans: Sequence[HistoryRow], day: date) -> str | None:
    for s in spans:
        if s.valid_from <= day and (s.valid_to is None or day < s.valid_to) and s.value is not None:
            return to_text(s.value)
    return None


def breakeven_svg(result: Result) -> str:
    """The CLI's break-even chart (matplotlib) as an inline ``<svg>``; a plain SVG of our own
    when matplotlib is not installed (it is a development dependency only)."""
    try:
        from ratecard.breakeven.chart import draw

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "chart.svg"
            draw(result, path)
            text = path.read_text(encoding="utf-8")
    except ImportError:
        return plain_svg(result)
    return inline(text)


def inline(svg: str) -> str:
    """An SVG file as an element to put in HTML: no XML prolog or doctype, no comments (which
    carry label text), nothing but the ``<svg>`` element."""
    start = svg.find("<svg")
    return re.sub(r"<!--.*?-->", "", svg[start:], flags=re.DOTALL).strip()


def plain_svg(result: Result, width: int = 640, height: int = 300) -> str:
    """Both paths' cumulative cost as two polylines with a legend; every label escaped."""
    months = [m for m, _, _ in result.series]
    base = [b for _, b, _ in result.series]
    cand = [c for _, _, c in result.series]
    top = max([*base, *cand, Decimal(1)])
    last = months[-1] or 1
    pad, bottom = 40, height - 40

    def points(values: Sequence[Decimal]) -> str:
        return " ".join(
            f"{pad + (width - 2 * pad) * m / last:.1f},{bottom - (height - 2 * pad) * float(v / top):.1f}"
            for m, v in zip(months, values, strict=True)
        )

    def line(name: str, colour: str, values: Sequence[Decimal]) -> str:
        style = f'fill="none" stroke="{colour}" stroke-width="2"'
        return f'<polyline class="{name}" {style} points="{points(values)}"/>'

    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img">',
            f"<title>{escape(result.verdict.summary)}</title>",
            f'<line x1="{pad}" y1="{bottom}" x2="{width - pad}" y2="{bottom}" stroke="#888"/>',
            f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{bottom}" stroke="#888"/>',
            line("baseline", "#c0392b", base),
            line("candidate", "#2471a3", cand),
            f'<text x="{pad}" y="16" font-size="12">baseline: {escape(result.baseline.label)}</text>',
            f'<text x="{pad}" y="32" font-size="12">candidate: {escape(result.candidate.label)}</text>',
            f'<text x="{width - pad}" y="{height - 8}" font-size="11" text-anchor="end">{last} months</text>',
            f'<text x="4" y="{pad - 4}" font-size="11">${to_text(top.quantize(Decimal(1)))}</text>',
            "</svg>",
        ]
    )
