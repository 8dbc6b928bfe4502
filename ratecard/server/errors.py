"""What goes wrong in a request, as the status and JSON body a client can act on.

Routes raise these (or let validation fail); :mod:`ratecard.server.app` turns them into
``{"error": ..., "message": ...}`` with the status, and pages into an HTML page saying the same.
"""

from __future__ import annotations

from typing import Any


class ServerError(Exception):
    """An error with a status and a machine-readable name; ``extra`` joins the JSON body."""

    status = 500
    name = "internal"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class BadInput(ServerError):
    """The request cannot be answered as asked (unknown vendor, contradictory options): 422."""

    status = 422
    name = "bad_input"


class NotFound(ServerError):
    """Nothing is priced or stored under that name: 404, with ``suggestions`` where there are some."""

    status = 404
    name = "not_found"


def body(status: int, name: str, message: str, **extra: Any) -> dict[str, Any]:
    """The JSON of every error answer: the same keys whatever failed."""
    return {"error": name, "status": status, "message": message, **extra}
