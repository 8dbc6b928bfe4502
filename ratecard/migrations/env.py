"""Alembic environment: runs on the connection ratecard hands it (never reads alembic.ini URLs)."""

from __future__ import annotations

from alembic import context

from ratecard.db import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached from the alembic CLI
    raise RuntimeError("run migrations through ratecard.db.migrate()")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
