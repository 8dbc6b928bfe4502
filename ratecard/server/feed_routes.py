"""``/feeds``: files other tools load from a URL, regenerated from the database on each request
(and cached by ETag). The same files can be published statically after each nightly run; see
docs/operations.md, "Serving"."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ratecard.exports.formats import ExportFormat
from ratecard.server import feeds
from ratecard.server.deps import State
from ratecard.server.errors import ServerError
from ratecard.server.state import today

router = APIRouter(prefix="/feeds", tags=["feeds"])

AsOf = Annotated[date | None, Query(description="Rates in force on this day (default today, UTC).")]
VerifiedOnly = Annotated[
    bool, Query(description="Leave out inferred rates and vendors not re-verified lately.")
]
JSON = "application/json"


@router.get(
    "/litellm/model_prices_and_context_window.json",
    responses={
        200: {
            "headers": {
                feeds.BASE_HEADER: {
                    "description": "The map under our rates: `upstream <sha256[:12]> fetched <day>` (the "
                    "newest copy a run fetched) or `installed litellm <version>`.",
                    "schema": {"type": "string"},
                }
            }
        }
    },
)
def litellm_map(served: State, as_of: AsOf = None) -> Response:
    """LiteLLM's whole price map with ratecard's verified rates laid over it, for
    `LITELLM_MODEL_COST_MAP_URL`. Per-token floats, as LiteLLM's format demands."""
    with served.pool.reader() as db:
        try:
            text, base = feeds.litellm_feed(db, served.settings, served.raw, as_of or today())
        except ValueError as exc:  # two vendors claim one LiteLLM key: a configuration problem
            raise ServerError(f"cannot build the LiteLLM map: {exc}") from None
        return Response(text, media_type=JSON, headers={feeds.BASE_HEADER: base.label})


@router.get("/genai-prices/data.json")
def genai_prices(served: State, as_of: AsOf = None, verified_only: VerifiedOnly = True) -> Response:
    """genai-prices' v2 data with ratecard's history, for `genai_prices.UpdatePrices(url=...)`."""
    with served.pool.reader() as db:
        day = as_of or today()
        text = feeds.export_text(db, served.settings, ExportFormat.genai_prices, day, None, verified_only)
        return Response(text, media_type=JSON)


@router.get("/ratecard.json")
def ratecard_json(served: State, as_of: AsOf = None, verified_only: bool = False) -> Response:
    """`ratecard export --format json`: every rate in force, with status and provenance."""
    with served.pool.reader() as db:
        text = feeds.export_text(
            db, served.settings, ExportFormat.json, as_of or today(), None, verified_only
        )
        return Response(text, media_type=JSON)


@router.get("/ratecard.csv")
def ratecard_csv(served: State, as_of: AsOf = None, verified_only: bool = False) -> Response:
    """`ratecard export --format csv` (text cells neutralised against spreadsheet formulas)."""
    with served.pool.reader() as db:
        text = feeds.export_text(db, served.settings, ExportFormat.csv, as_of or today(), None, verified_only)
        return Response(text, media_type="text/csv; charset=utf-8")
