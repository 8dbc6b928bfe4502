"""Cumulative cost of both paths over the horizon, payback marked: readable at one glance.

matplotlib is imported inside :func:`draw` so the calculator works without it; floats appear
only here, at the edge, because that is what a plot takes.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from ratecard.breakeven.display import fixed
from ratecard.breakeven.result import Result

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FORMATS = (".png", ".svg")


def draw(result: Result, path: Path) -> None:
    """Write the chart to ``path``; the suffix (.png or .svg) picks the format."""
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"chart file must end in .png or .svg, got {path.name!r}")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    months = [m for m, _, _ in result.series]
    base = [float(b) for _, b, _ in result.series]
    cand = [float(c) for _, _, c in result.series]
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.subplots()
    ax.plot(months, base, label=_legend("baseline", result.baseline.label), color="#c0392b", lw=2)
    ax.plot(months, cand, label=_legend("candidate", result.candidate.label), color="#2471a3", lw=2)
    ax.fill_between(
        months,
        base,
        cand,
        where=[c < b for b, c in zip(base, cand, strict=True)],
        color="#27ae60",
        alpha=0.15,
        interpolate=True,
        label="saved",
    )
    _mark_payback(ax, result, months, cand)
    if result.lifetime_months is not None and result.lifetime_months <= months[-1]:
        ax.axvline(result.lifetime_months, color="grey", ls="--", lw=1)
        ax.annotate(
            f"lifetime {result.lifetime_months} mo",
            (result.lifetime_months, 0),
            xytext=(-4, 4),
            textcoords="offset points",
            ha="right",
            color="grey",
            fontsize=8,
        )
    ax.set_title(result.verdict.summary, fontsize=10)
    ax.set_xlabel("months")
    ax.set_ylabel("cumulative cost (USD)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: f"${y:,.0f}"))
    ax.set_xlim(0, months[-1])
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.savefig(path, format=path.suffix.lower()[1:])


def _mark_payback(ax: Axes, result: Result, months: list[int], cand: list[float]) -> None:
    """A dot where the candidate's cumulative cost drops below the baseline's, with its month."""
    payback = result.payback_months
    if payback is None or payback > months[-1]:
        return
    at = float(payback)
    i = min(math.floor(at), len(cand) - 2)
    y = cand[i] + (cand[i + 1] - cand[i]) * (at - i)
    ax.plot([at], [y], "o", color="black", zorder=5)
    right = at > months[-1] * 0.7
    ax.annotate(
        f"payback {fixed(payback, 1)} months",
        (at, y),
        xytext=(-8 if right else 8, -14),
        textcoords="offset points",
        ha="right" if right else "left",
        fontsize=9,
        fontweight="bold",
    )


def _legend(side: str, label: str) -> str:
    return label if label.startswith(side) else f"{side}: {label}"
