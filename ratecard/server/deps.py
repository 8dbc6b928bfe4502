"""What routes are handed: the served state and a pooled reader for the length of one answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response

from ratecard.dbapi import Reader
from ratecard.output import plain
from ratecard.server.state import Served


def served(request: Request) -> Served:
    state: Served = request.app.state.served
    return state


def reader(request: Request) -> Iterator[Reader]:
    with served(request).pool.reader() as db:
        yield db


Db = Annotated[Reader, Depends(reader)]
State = Annotated[Served, Depends(served)]


def as_json(value: Any, status: int = 200) -> Response:
    """Rows or an object as JSON, Decimals as decimal strings (:func:`ratecard.output.plain`)."""
    return JSONResponse(plain(value), status_code=status)
