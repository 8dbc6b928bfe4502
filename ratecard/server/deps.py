"""What routes are handed: the served state (its pool lends a reader for the length of one answer)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from ratecard.money import to_text
from ratecard.rows import record
from ratecard.server.state import Served


async def served(request: Request) -> Served:
    """The app's state. Async so FastAPI calls it on the event loop: a sync dependency costs a
    thread hop per request. Routes borrow a connection themselves (``served.pool.reader()``) in
    the worker thread that runs them, for the same reason."""
    state: Served = request.app.state.served
    return state


State = Annotated[Served, Depends(served)]


def _default(value: Any) -> Any:
    """What the JSON encoder cannot write itself, as :func:`ratecard.output.plain` writes it."""
    if isinstance(value, Decimal):
        return to_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return record(value)
    raise TypeError(f"{type(value).__name__} is not JSON-ready")


def as_json(value: Any, status: int = 200) -> Response:
    """Rows or an object as JSON, Decimals as decimal strings: the JSON of
    :func:`ratecard.output.plain`, written by the C encoder calling back only for what it cannot
    write itself (half the CPU of converting every value in Python first)."""
    body = json.dumps(value, default=_default, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(body.encode(), status_code=status, media_type="application/json")
