"""PostgreSQL: statement bodies that PostgreSQL compresses are compressed with lz4 and kept in the row.

PostgreSQL only starts compressing when a row passes about 2 KB (TOAST_TUPLE_THRESHOLD, fixed at build
time), so the typical 1-1.5 KB statement is stored as it came and this changes nothing for it. Longer
statements (attachments' metadata, long results, many context activities) are compressed with lz4
(PostgreSQL 14+, where built with it; the default pglz otherwise),
which costs a fraction of the default pglz, and STORAGE MAIN keeps them in the row rather than in the
TOAST table, so reading one costs no second look-up. Rows written before this migration stay as they
are until rewritten. SQLite: nothing to do.

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
    # lz4 needs PostgreSQL 14 or later built with it; elsewhere the default compression stays.
    # EXECUTE defers parsing, so an older server's syntax error is caught here too.
    op.execute("""
        DO $$ BEGIN
            EXECUTE 'ALTER TABLE statements ALTER COLUMN body SET COMPRESSION lz4';
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'statement bodies keep the default compression: %', SQLERRM;
        END $$""")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        DO $$ BEGIN
            EXECUTE 'ALTER TABLE statements ALTER COLUMN body SET COMPRESSION default';
        EXCEPTION WHEN OTHERS THEN
            NULL;
        END $$""")
    op.execute("ALTER TABLE statements ALTER COLUMN body SET STORAGE EXTENDED")
