"""What every module's own Alembic branch runs in its env.py (delivery, automation, workflows, profiles): the
URL or connection comes from the caller (`lrs db upgrade`, lrs/storage/migrate.py), and the branch keeps its
own version table so the LRS's revision history stays linear."""
from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData, create_engine


def run_branch_migrations(metadata: MetaData, version_table: str) -> None:
    config = context.config
    connection = config.attributes.get("connection")

    def run(connection_to_use) -> None:
        context.configure(connection=connection_to_use, target_metadata=metadata, version_table=version_table,
                          render_as_batch=connection_to_use.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()

    if connection is not None:
        run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as fresh_connection:
        run(fresh_connection)
    engine.dispose()
