"""`ratecard serve`: the read-only HTTP server (JSON API, feeds, pages)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ratecard.commands.common import ConfigOpt, DbOpt, command_app, fail
from ratecard.outcome import EXIT_CONFIG

app = command_app()


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 1,
    publish: Annotated[
        Path | None,
        typer.Option(
            "--publish",
            help="Write the /feeds files (LiteLLM, genai-prices, JSON, CSV) as of today under DIR and "
            "exit, for a web server to serve statically after each nightly run.",
            metavar="DIR",
        ),
    ] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Serve the verified rates over HTTP, read-only: /api/v1 (JSON), /feeds (LiteLLM, genai-prices,
    our export), and pages for people (/, /prices, /models/..., /changes, /flags, /cost, /breakeven).

    The database must already hold ratecard data at this version's schema (the server never writes
    or migrates it). Run it behind a reverse proxy for TLS; see docs/operations.md, "Serving".
    """
    import uvicorn

    from ratecard.config.settings import ConfigError, load
    from ratecard.dbapi import DatabaseMissing
    from ratecard.locations import resolve_url
    from ratecard.server.state import check_schema

    url = resolve_url(db)
    try:
        load(config)
        check_schema(url)
    except ConfigError as exc:
        raise fail(f"configuration error: {exc}", EXIT_CONFIG) from exc
    except (DatabaseMissing, ValueError) as exc:
        raise fail(f"Error: {exc}", 1) from exc
    except Exception as exc:  # the driver's own error class (no server there, login refused...)
        raise fail(f"Error: cannot read {url}: {exc}", 1) from exc
    if publish is not None:
        _publish(url, config, publish)
        return
    os.environ["RATECARD_DB"] = url  # worker processes build the app from the environment
    if config is not None:
        os.environ["RATECARD_CONFIG"] = str(Path(config).resolve())
    uvicorn.run(
        "ratecard.server.app:from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        server_header=False,
        # longer than a proxy's or a client pool's idle timeout (60 s is common): a connection the
        # server closes as a client reuses it fails that request (uvicorn's default is 5 s)
        timeout_keep_alive=75,
        log_level="info",
    )


def _publish(url: str, config: Path | None, folder: Path) -> None:
    """The feeds as files, from the same functions the server answers with (no web framework)."""
    import sys

    from ratecard.commands.common import reader, settings, today
    from ratecard.locations import raw_dir
    from ratecard.server.feeds import litellm_base, publish

    with reader(url) as db:
        written = publish(db, settings(config), raw_dir(url), folder, today())
        base = litellm_base(db, raw_dir(url))
    for path in written:
        sys.stderr.write(f"wrote {path}\n")
    sys.stderr.write(f"the LiteLLM map is laid over {base.label}\n")
