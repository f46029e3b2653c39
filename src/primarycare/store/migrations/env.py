"""Alembic environment: the engine comes from the caller (primarycare.store.migrate), never from a settings file."""

from alembic import context

from primarycare.store.tables import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
