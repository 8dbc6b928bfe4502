"""``/api/v1``: the CLI's answers as JSON, one route per query command, same rows, same keys.

Money is a decimal string; dates are ISO text. Bad input is a 422 and an unknown model a 404, each
with ``{"error", "status", "message"}`` (see :mod:`ratecard.server.errors`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ratecard.breakeven.report import to_json
from ratecard.dbapi import Reader
from ratecard.rows import ChangeRow, FlagRow, HistoryRow, PriceRow, RunRow, VendorRow
from ratecard.server import breakeven, pricing, queries
from ratecard.server.deps import State, as_json
from ratecard.server.errors import BadInput, NotFound
from ratecard.server.schemas import row_schema
from ratecard.server.state import Served, today

router = APIRouter(prefix="/api/v1", tags=["api"])

Vendors = Annotated[list[str] | None, Query(description="Vendor id (repeatable); default all.")]
AsOf = Annotated[date | None, Query(description="Day YYYY-MM-DD to answer for (default today, UTC).")]


def rows_of(row_type: type) -> dict[int | str, dict[str, Any]]:
    """OpenAPI for an answer that is a JSON array of ``row_type`` objects (money as strings)."""
    schema = row_schema(row_type)
    return {200: {"content": {"application/json": {"schema": {"type": "array", "items": schema}}}}}


def object_of(schema: dict[str, Any], description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description, "content": {"application/json": {"schema": schema}}}}


ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown model: `{error, status, message, suggestions}`"},
    422: {"description": "Bad input: `{error, status, message}`"},
}


@router.get("/prices", responses=rows_of(PriceRow))
def prices(
    served: State,
    vendor: Vendors = None,
    model: Annotated[str | None, Query(description="Model id or part of it.")] = None,
    as_of: AsOf = None,
    status: Annotated[
        str | None,
        Query(
            description="verified, inferred, disputed or not_offered (the row's status); "
            "stale is kept as another way to write stale=true."
        ),
    ] = None,
    stale: Annotated[
        bool | None,
        Query(description="true: only rates not re-verified lately (whatever their status); false: fresh."),
    ] = None,
) -> Response:
    """The rates in force on a day: the rows of `ratecard prices --format json`."""
    with served.pool.reader() as db:
        day = as_of or today()
        return as_json(queries.prices(db, served.settings, day, vendor, model, status, stale))


@router.get("/history", responses=rows_of(HistoryRow))
def history(
    served: State,
    model: Annotated[str, Query(description="Model id (exact, else every id containing it).")],
    vendor: Vendors = None,
    field: Annotated[str | None, Query(description="Only this field, e.g. input.")] = None,
) -> Response:
    """Every value a model's rates have had: the rows of `ratecard history`."""
    with served.pool.reader() as db:
        return as_json(queries.history(db, served.settings, model, vendor, field))


@router.get("/changes", responses=rows_of(ChangeRow))
def changes(
    served: State,
    since: Annotated[date | None, Query(description="Only changes on or after this day.")] = None,
    until: Annotated[date | None, Query(description="Only changes on or before this day.")] = None,
    vendor: Vendors = None,
    kind: Annotated[
        list[str] | None, Query(description=f"Change kind (repeatable): {', '.join(queries.CHANGE_KINDS)}.")
    ] = None,
    model: Annotated[str | None, Query(description="Only this model id.")] = None,
) -> Response:
    """The audit changelog: the rows of `ratecard changes`."""
    with served.pool.reader() as db:
        return as_json(queries.changes(db, served.settings, since, until, vendor, kind, model))


@router.get("/flags", responses=rows_of(FlagRow))
def flags(
    served: State,
    kind: Annotated[
        list[str] | None, Query(description=f"Flag kind (repeatable): {', '.join(queries.FLAG_KINDS)}.")
    ] = None,
    vendor: Vendors = None,
    as_of: AsOf = None,
) -> Response:
    """What to doubt and why: the rows of `ratecard flags`."""
    with served.pool.reader() as db:
        return as_json(queries.flags(db, served.settings, as_of or today(), kind, vendor))


@router.get("/vendors", responses=rows_of(VendorRow))
def vendors(served: State, as_of: AsOf = None) -> Response:
    """Each configured vendor's health: the rows of `ratecard vendors --format json`."""
    with served.pool.reader() as db:
        return as_json(queries.vendors(db, served.settings, as_of or today()))


@router.get("/runs", responses=rows_of(RunRow))
def runs(
    served: State, limit: Annotated[int | None, Query(ge=1, description="Only the latest N runs.")] = None
) -> Response:
    """Each run with its per-vendor outcome: the rows of `ratecard runs`."""
    with served.pool.reader() as db:
        return as_json(queries.runs(db, limit))


class UsageIn(BaseModel):
    """One request's quantities: the fields of :class:`ratecard.usage.Usage` (``ratecard cost``'s
    options), so the API prices whatever the CLI prices. ``input_tokens`` excludes cached ones."""

    model_config = ConfigDict(extra="forbid")
    input_tokens: int = Field(0, ge=0, description="Input tokens not read from or written to the cache.")
    output_tokens: int = Field(
        0, ge=0, description="Output tokens (reasoning included where billed as output)."
    )
    reasoning_tokens: int = Field(0, ge=0, description="Reasoning tokens a vendor prices apart from output.")
    citation_tokens: int = Field(0, ge=0, description="Citation tokens (Perplexity Deep Research).")
    cache_read_tokens: int = Field(0, ge=0, description="Input tokens read from the cache.")
    cache_write_5m_tokens: int = Field(0, ge=0, description="Tokens written to the 5-minute cache.")
    cache_write_1h_tokens: int = Field(0, ge=0, description="Tokens written to the 1-hour cache.")
    images: int = Field(0, ge=0, description="Images generated, priced by image_size and image_quality.")
    image_size: str | None = Field(
        None, max_length=64, description="1024x1024, 1k...: as the vendor names it."
    )
    image_quality: str | None = Field(None, max_length=64, description="low, medium, high...")
    seconds: Decimal = Field(Decimal(0), ge=0, description="Seconds of audio or video (exact decimal).")
    video_resolution: str | None = Field(None, max_length=64, description="720p...: per-second video tier.")
    minutes: Decimal = Field(Decimal(0), ge=0, description="Minutes of audio (exact decimal).")
    characters: int = Field(0, ge=0, description="Characters of speech generated.")
    requests: int = Field(1, ge=0, description="Requests: 1 charges a model's per-request fee once.")
    searches: int = Field(0, ge=0, description="Web searches (tool calls).")
    search_context: str | None = Field(None, description="low, medium or high: tier of search fees.")
    service_tier: str | None = Field(None, description="batch, flex or priority; none for the plain rates.")

    @field_validator("seconds", "minutes", mode="before")
    @classmethod
    def _exact(cls, value: object) -> object:
        """A JSON number is read from its text, never through a float: 0.1 stays 0.1."""
        return Decimal(str(value)) if isinstance(value, float) else value


class CostIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str = Field(
        description="VENDOR/MODEL or a model id one vendor prices.", examples=["anthropic/claude-sonnet-4-5"]
    )
    usage: UsageIn
    at: datetime | date | None = Field(None, description="When the request was made (default now, UTC).")


COST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The object of `ratecard cost --format json`; money as decimal strings.",
    "properties": {
        "vendor": {"type": "string"},
        "model": {"type": "string"},
        "at": {"type": "string", "format": "date-time"},
        "snapshot_date": {"type": "string", "format": "date"},
        "tier": {"type": "string"},
        "total_usd": {"type": "string", "examples": ["0.0225"]},
        "lines": {"type": "array", "items": {"type": "object"}},
        "rates_used": {"type": "array", "items": row_schema(PriceRow)},
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}


def quote(db: Reader, served: Served, given: CostIn) -> dict[str, Any]:
    """The priced request as the CLI prints it; the pricing errors as 404 / 422."""
    try:
        usage = pricing.Usage(**given.usage.model_dump())
    except ValueError as exc:  # an unknown service tier
        raise BadInput(str(exc)) from None
    when = pricing.moment(given.at)
    try:
        found = served.pricer.price(db, given.model, usage, when)
    except pricing.UnknownModel as exc:
        raise NotFound(str(exc), suggestions=exc.suggestions) from None
    except pricing.PriceError as exc:
        raise BadInput(str(exc)) from None
    return pricing.answer(found, usage, when)


@router.post("/cost", responses={**object_of(COST_SCHEMA, "The priced request"), **ERRORS})
def cost(served: State, given: CostIn) -> Response:
    """The price of one request at the rates in force on its day (`ratecard cost --format json`)."""
    with served.pool.reader() as db:
        return as_json(quote(db, served, given))


BREAKEVEN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "The options of `ratecard breakeven` by their Python names; numbers "
                    "are read exactly (a JSON number or a decimal string).",
                    "additionalProperties": False,
                    "properties": {
                        o.name: {"type": "boolean"} if o.flag else {"type": ["string", "number", "object"]}
                        for o in breakeven.options()
                    },
                },
                "example": {
                    "baseline": "anthropic/claude-sonnet-4-5",
                    "candidate": "anthropic/claude-haiku-4-5",
                    "requests_per_month": 100000,
                    "input_tokens": 2000,
                    "output_tokens": 300,
                    "upfront": 5000,
                },
            }
        },
    }
}


@router.post(
    "/breakeven",
    openapi_extra=BREAKEVEN_BODY,
    responses={**object_of({"type": "object"}, "The object of `ratecard breakeven --format json`"), **ERRORS},
)
async def breakeven_answer(request: Request, served: State) -> Response:
    """Would a cheaper model, a fine-tune or self-hosting pay back? (`ratecard breakeven --format json`)."""
    opts = breakeven.from_json(await request.body())

    def work() -> dict[str, Any]:
        with served.pool.reader() as db:
            source = breakeven.PooledRates(served.url, served.settings, db)
            return to_json(breakeven.answer(opts, source, today()))

    return as_json(await run_in_threadpool(work))
