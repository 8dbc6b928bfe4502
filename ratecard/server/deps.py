"""What routes are handed: the served state (its pool lends a reader for the length of one answer)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response

from ratecard.output import plain
from ratecard.server.state import Served


async def served(request: Request) -> Served:
    """The app's state. Async so FastAPI calls it on the event loop: a sync dependency costs a
    thread hop per request. Routes borrow a connection themselves (``served.pool.reader()``) in
    the worker thread that runs them, for the same reason."""
    state: Served = request.app.state.served
    return state


State = Annotated[Served, Depends(served)]


def as_json(value: Any, status: int = 200) -> Response:
    """Rows or an object as JSON, Decimals as decimal strings (:func:`ratecard.output.plain`)."""
    return JSONResponse(plain(value), status_code=status)
