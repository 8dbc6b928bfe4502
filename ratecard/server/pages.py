"""The pages for people: server-rendered (Jinja2, autoescaped), usable without JavaScript.

Every third-party string (model ids, page text, URLs) reaches the page through autoescaping and
:func:`ratecard.safe.visible`, so markup in a model id is shown as text and control characters as
visible escapes. Links are only made of http(s) URLs. Charts are drawn by the vendored uPlot from
data embedded as JSON (never as script); the table under each chart holds the same values exactly.
Forms post back to the same page; htmx swaps the result in place where JavaScript runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from ratecard import readmodel, safe
from ratecard.breakeven.report import to_json
from ratecard.dbapi import Reader
from ratecard.output import cell
from ratecard.rows import HistoryRow
from ratecard.server import breakeven, charts, pricing, queries
from ratecard.server.deps import State
from ratecard.server.errors import BadInput, NotFound
from ratecard.server.state import Served, today
from ratecard.snapshots import read as snapshots

router = APIRouter(include_in_schema=False)
MAX_ROWS = 1000
"""Rows a table page shows; the JSON API has no cap. Past it the page says how to narrow it."""
NEWS = 20
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""Scripts only from our own static files: a model id that slipped through escaping could still
not run. Inline styles are allowed for the break-even SVG, which matplotlib styles inline."""
USAGE_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
)


def text(value: Any) -> str:
    """A cell as visible text: Decimals exact, lists joined, control characters as escapes."""
    return safe.visible(cell(value))


def href(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL (a link may be followed), else None (shown as text only)."""
    if not url:
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


def model_url(vendor: str, model: str) -> str:
    """The model page of ``vendor/model``; ids may hold ``/`` (kept) and anything else (quoted)."""
    return f"/models/{quote(vendor, safe='')}/{quote(model, safe='/')}"


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ratecard.server", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(text=text, href=href, short=lambda s: (s or "")[:12])
    env.globals.update(model_url=model_url)
    return env


ENV = environment()


def page(name: str, code: int = 200, **context: Any) -> HTMLResponse:
    """A rendered page with the content security policy every page carries."""
    html = ENV.get_template(name).render(**context)
    return HTMLResponse(html, status_code=code, headers={"Content-Security-Policy": CSP})


def error_page(status: int, message: str, suggestions: list[str] | None = None) -> HTMLResponse:
    return page("error.html", status, status=status, message=message, suggestions=suggestions or [])


def capped(rows: list[Any]) -> tuple[list[Any], int]:
    return rows[:MAX_ROWS], len(rows)


@router.get("/", response_class=HTMLResponse)
def home(served: State) -> Response:
    with served.pool.reader() as db:
        day = today()
        flag_counts = Counter(f.kind for f in queries.flags(db, served.settings, day))
        return page(
            "home.html",
            day=day,
            vendors=queries.vendors(db, served.settings, day),
            changes=queries.latest_changes(db, served.settings, day, NEWS),
            flag_counts=sorted(flag_counts.items()),
        )


@router.get("/prices", response_class=HTMLResponse)
def prices(
    served: State,
    vendor: str | None = None,
    model: str | None = None,
    as_of: str | None = None,
    status: str | None = None,
) -> Response:
    with served.pool.reader() as db:
        day = form_date(as_of, "as of") or today()
        rows = queries.prices(
            db, served.settings, day, [vendor] if vendor else None, model or None, status or None
        )
        shown, total = capped(rows)
        return page(
            "prices.html",
            rows=shown,
            total=total,
            day=day,
            asked={
                "vendor": vendor or "",
                "model": model or "",
                "as_of": day if as_of else "",
                "status": status or "",
            },
            vendors=sorted(served.settings.vendors),
            statuses=queries.STATUSES,
        )


def decorations(
    db: Reader, served: Served, rows: list[HistoryRow], day: date
) -> dict[tuple[str, str], list[str]]:
    """(field, tier) -> what to say about the value in force today besides its stored status:
    ``stale`` (not re-verified lately), ``disputed`` (the latest page or an open anomaly says
    otherwise), ``disagree`` (a registry has another price)."""
    out: dict[tuple[str, str], list[str]] = {}
    if not rows:
        return out
    vendor, model = rows[0].vendor, rows[0].model
    for p in readmodel.prices(db, day, served.settings.stale_after, [vendor], model):
        if p.model != model:
            continue
        marks = (["stale"] if p.stale else []) + (["disputed"] if p.status == "disputed" else [])
        for mark in marks:
            out.setdefault((p.field, p.tier), []).append(mark)
    for check in readmodel.check_rows(db, None, [vendor]):
        if check.model == model and check.outcome == "disagree":
            out.setdefault((check.field, check.tier), []).append("disagree")
    return {k: sorted(set(v)) for k, v in out.items()}


def not_listed(db: Reader, vendor: str, model: str, day: date) -> snapshots.Unlisted | None:
    """The open question about a model its pages stopped listing (kept until confirm-removed)."""
    return next((u for u in snapshots.unlisted(db, [vendor]) if u.model == model and u.since <= day), None)


@router.get("/models/{vendor}/{model:path}", response_class=HTMLResponse)
def model_page(served: State, vendor: str, model: str) -> Response:
    with served.pool.reader() as db:
        day = today()
        rows = [r for r in queries.history(db, served.settings, model, [vendor]) if r.model == model]
        if not rows:
            close = [f"{v}/{m}" for v, m in snapshots.models(db, [vendor]) if model.lower() in m.lower()][:10]
            raise NotFound(f"no rates stored for {vendor}/{model}", suggestions=close)
        chart = charts.step_chart(rows, day)
        return page(
            "model.html",
            vendor=vendor,
            model=model,
            rows=rows,
            day=day,
            chart={"x": chart.x, "series": [{"label": s.label, "values": s.values} for s in chart.series]},
            series_count=len(chart.series),
            current=decorations(db, served, rows, day),
            unlisted=not_listed(db, vendor, model, day),
        )


@router.get("/changes", response_class=HTMLResponse)
def changes(
    served: State,
    since: str | None = None,
    until: str | None = None,
    vendor: str | None = None,
    kind: str | None = None,
) -> Response:
    with served.pool.reader() as db:
        kinds = [kind] if kind else list(queries.REAL_CHANGES)
        first, last = form_date(since, "since"), form_date(until, "until")
        rows = queries.changes(db, served.settings, first, last, [vendor] if vendor else None, kinds)
        rows = sorted(rows, key=lambda c: (c.date, c.id), reverse=True)
        shown, total = capped(rows)
        return page(
            "changes.html",
            rows=shown,
            total=total,
            asked={"since": first or "", "until": last or "", "vendor": vendor or "", "kind": kind or ""},
            vendors=sorted(served.settings.vendors),
            kinds=queries.CHANGE_KINDS,
        )


@router.get("/flags", response_class=HTMLResponse)
def flags(served: State, kind: str | None = None, vendor: str | None = None) -> Response:
    with served.pool.reader() as db:
        day = today()
        every = queries.flags(db, served.settings, day, None, [vendor] if vendor else None)
        rows = (
            [f for f in every if f.kind == queries.one_of(kind or None, queries.FLAG_KINDS, "kind")]
            if kind
            else every
        )
        shown, total = capped(rows)
        return page(
            "flags.html",
            rows=shown,
            total=total,
            day=day,
            counts=sorted(Counter(f.kind for f in every).items()),
            asked={"kind": kind or "", "vendor": vendor or ""},
            vendors=sorted(served.settings.vendors),
            kinds=queries.FLAG_KINDS,
        )


def model_refs(db: Reader, day: date) -> list[str]:
    """``vendor/model`` of every model with a rate in force today: the cost form's suggestions."""
    return sorted({f"{s.vendor}/{s.model}" for s in snapshots.in_force(db, day) if s.unit == "usd_per_mtok"})


def usage_of(form: Mapping[str, str]) -> pricing.Usage:
    """The form's token counts (blank is 0) and service tier; a count that is no whole number >= 0
    is bad input."""
    counts: dict[str, int] = {}
    for name in USAGE_FIELDS:
        raw = (form.get(name) or "0").strip() or "0"
        if not raw.isdigit():
            raise BadInput(f"{name} must be a whole number of tokens, got {raw!r}")
        counts[name] = int(raw)
    tier = (form.get("service_tier") or "").strip() or None
    try:
        return pricing.Usage(
            input_tokens=counts["input_tokens"],
            output_tokens=counts["output_tokens"],
            cache_read_tokens=counts["cache_read_tokens"],
            cache_write_5m_tokens=counts["cache_write_5m_tokens"],
            cache_write_1h_tokens=counts["cache_write_1h_tokens"],
            service_tier=tier,
        )
    except ValueError as exc:  # an unknown service tier
        raise BadInput(str(exc)) from None


def form_date(raw: str | None, name: str) -> date | None:
    """A date field of a form: blank is None (forms send empty fields), else YYYY-MM-DD."""
    if not raw or not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise BadInput(f"{name} must be a date YYYY-MM-DD, got {raw!r}") from None


@router.get("/cost", response_class=HTMLResponse)
def cost_form(served: State) -> Response:
    with served.pool.reader() as db:
        return page("cost.html", asked={}, models=model_refs(db, today()), result=None, error=None)


@router.post("/cost", response_class=HTMLResponse)
async def cost(request: Request, served: State) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}

    def work() -> Response:
        with served.pool.reader() as db:
            models = model_refs(db, today())
            result, error, status = None, None, 200
            try:
                usage = usage_of(form)
                when = pricing.moment(form_date(form.get("at"), "at"))
                found = served.pricer.price(db, form.get("model", "").strip(), usage, when)
                result = pricing.answer(found, usage, when)
            except (BadInput, pricing.PriceError) as exc:
                error, status = {"message": str(exc), "suggestions": []}, 422
            except pricing.UnknownModel as exc:
                error, status = {"message": str(exc), "suggestions": exc.suggestions}, 404
        return page("cost.html", status, asked=form, models=models, result=result, error=error)

    return await run_in_threadpool(work)


def panels() -> list[tuple[str, list[breakeven.Option]]]:
    """The break-even options grouped as the CLI's help groups them."""
    out: dict[str, list[breakeven.Option]] = {}
    for option in breakeven.options():
        out.setdefault(option.panel, []).append(option)
    return list(out.items())


@router.get("/breakeven", response_class=HTMLResponse)
def breakeven_form() -> Response:
    return page("breakeven.html", panels=panels(), asked={}, result=None, svg=None, error=None)


@router.post("/breakeven", response_class=HTMLResponse)
async def breakeven_page(request: Request, served: State) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}

    def work() -> Response:
        asked: dict[str, Any] = dict(form.items())
        try:
            opts = breakeven.from_form(form)
            asked = breakeven.option_values(opts)
            with served.pool.reader() as db:
                source = breakeven.PooledRates(served.url, served.settings, db)
                result = breakeven.answer(opts, source, today())
        except (BadInput, NotFound) as exc:
            error = {"message": exc.message}
            return page(
                "breakeven.html", exc.status, panels=panels(), asked=asked, result=None, svg=None, error=error
            )
        return page(
            "breakeven.html",
            panels=panels(),
            asked=asked,
            result=to_json(result),
            svg=charts.breakeven_svg(result),
            error=None,
        )

    return await run_in_threadpool(work)


def api_docs(openapi: Mapping[str, Any]) -> HTMLResponse:
    """The API described from its own OpenAPI document, on a page of our own (no CDN)."""
    operations = []
    for path, methods in openapi.get("paths", {}).items():
        for method, op in methods.items():
            operations.append({"path": path, "method": method.upper(), **op})
    return page("docs.html", info=openapi.get("info", {}), operations=operations)
