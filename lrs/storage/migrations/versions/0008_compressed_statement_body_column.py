"""statements.body_zstd: a statement body the application compressed (lrs/storage/body_codec.py).

PostgreSQL writers from this revision on store each body compressed there and leave `body` empty;
SQLite writers keep writing `body`. Readers take body_zstd when it is set, so rows written before stay
as they are. Additive and safe while servers run: a nullable column without a default is a catalog
change on both databases, and no row is rewritten. A server of an earlier revision does not know the
column, so upgrade every server of a deployment before PostgreSQL ones write compressed bodies that
the earlier ones would read as empty.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("statements", sa.Column("body_zstd", sa.LargeBinary, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # Already compressed: kept in the row like `body` (0006), not moved to a TOAST table.
        op.execute("ALTER TABLE statements ALTER COLUMN body_zstd SET STORAGE MAIN")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        # Back to text first, so no statement is lost with the column.
        from lrs.storage.body_codec import decompress_body
        rows = connection.execute(sa.text("SELECT seq, body_zstd FROM statements WHERE body_zstd IS NOT NULL"))
        for seq, compressed in rows.all():
            connection.execute(sa.text("UPDATE statements SET body = :body WHERE seq = :seq"),
                               {"body": decompress_body(compressed), "seq": seq})
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("body_zstd")
