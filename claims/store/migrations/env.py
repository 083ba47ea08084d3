"""Alembic environment: the connection comes from claims.store (never from alembic.ini)."""

from alembic import context

from claims.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through claims.store.db.upgrade(), which passes a connection")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
