"""The application: routes, static files, error answers, caching, built from a database URL.

:func:`create_app` is what tests and ``ratecard serve`` use; :func:`from_env` is the factory
uvicorn's worker processes call (``--workers N`` re-imports the app in each worker, so the URL and
the configuration travel in ``RATECARD_DB`` / ``RATECARD_CONFIG``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from ratecard import __version__, safe
from ratecard.config.settings import load
from ratecard.dbapi import DatabaseMissing
from ratecard.locations import raw_dir, resolve_url
from ratecard.server import api, feed_routes, pages
from ratecard.server.caching import Revalidate
from ratecard.server.errors import ServerError, body
from ratecard.server.state import Pool, Served, check_schema, fingerprint

STATIC = Path(__file__).parent / "static"
JSON_PREFIXES = ("/api/", "/feeds/", "/openapi.json")
DESCRIPTION = (
    "Verified LLM API prices, read-only: the rows of the `ratecard` query commands as JSON, "
    "feeds for LiteLLM and genai-prices, and pages for people."
)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(JSON_PREFIXES)


def error(request: Request, status: int, name: str, message: str, **extra: object) -> Response:
    """The error as JSON for the API and feeds, as a page for everything else."""
    if wants_json(request):
        return JSONResponse(body(status, name, message, **extra), status_code=status)
    suggestions = extra.get("suggestions")
    return pages.error_page(status, message, list(suggestions) if isinstance(suggestions, list) else None)


def validation_message(exc: RequestValidationError) -> str:
    """FastAPI's validation errors as one line: ``query as_of: Input should be a valid date``."""
    parts = []
    for e in exc.errors():
        where = " ".join(str(x) for x in e.get("loc", ()))
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return safe.message("; ".join(parts) or "invalid request")


def add_error_handlers(app: FastAPI) -> None:
    async def ours(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServerError)
        return error(request, exc.status, exc.name, safe.message(exc.message), **exc.extra)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in exc.errors()]
        return error(request, 422, "bad_input", validation_message(exc), detail=detail)

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        name = "not_found" if exc.status_code == 404 else "http"
        return error(request, exc.status_code, name, str(exc.detail))

    async def missing(request: Request, exc: Exception) -> Response:
        return error(request, 503, "no_database", safe.message(str(exc)))

    app.add_exception_handler(ServerError, ours)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http)
    app.add_exception_handler(DatabaseMissing, missing)


def create_app(db: str | None = None, config: Path | None = None) -> FastAPI:
    """The server for database ``db`` (URL, else ``$RATECARD_DB``, else the default file).

    Refuses (:class:`DatabaseMissing`) a database without ratecard data or at another schema
    revision: the server never creates or migrates one.
    """
    url = resolve_url(db)
    check_schema(url)
    settings = load(config)
    served = Served(url, settings, Pool(url), fingerprint(settings), raw_dir(url))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        served.pool.close()

    app = FastAPI(
        title="ratecard",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.served = served
    app.include_router(api.router)
    app.include_router(feed_routes.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    add_error_handlers(app)
    app.add_middleware(Revalidate, served=served)

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return pages.api_docs(app.openapi())

    return app


def from_env() -> FastAPI:
    """uvicorn's factory for worker processes: the database and config from the environment."""
    config = os.environ.get("RATECARD_CONFIG")
    return create_app(os.environ.get("RATECARD_DB"), Path(config) if config else None)
