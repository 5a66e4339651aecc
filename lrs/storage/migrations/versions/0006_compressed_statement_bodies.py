"""PostgreSQL: statement bodies compressed inline (lz4), a third of their size on disk.

A body of ~1.5 KB is below PostgreSQL's 2 KB TOAST threshold, so by default it is stored as it came.
STORAGE MAIN with toast_tuple_target 128 makes PostgreSQL compress every body in the row itself (never
out of line, which would cost a second look-up per statement read). Rows written before this migration
stay as they are until rewritten. SQLite: nothing to do.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE statements ALTER COLUMN body SET STORAGE MAIN")
    op.execute("ALTER TABLE statements ALTER COLUMN body SET COMPRESSION lz4")
    op.execute("ALTER TABLE statements SET (toast_tuple_target = 128)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE statements RESET (toast_tuple_target)")
    op.execute("ALTER TABLE statements ALTER COLUMN body SET COMPRESSION default")
    op.execute("ALTER TABLE statements ALTER COLUMN body SET STORAGE EXTENDED")
