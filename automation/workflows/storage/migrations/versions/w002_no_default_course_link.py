"""The welcome email's course link: stores whose saved `enrolment` rules still hold the old default,
`{public_url}/courses/{course_id}` (a page this server does not have), get the new default, no link. A store
saves its whole rules body (an admin who set `tiers` saved the default link with it), so the old value is
found in saved rows, not only in the code's defaults.

Revision ID: w002
Revises: w001
"""
import orjson
import sqlalchemy as sa
from alembic import op

revision = "w002"
down_revision = "w001"
branch_labels = None
depends_on = None

_OLD_DEFAULT = "{public_url}/courses/{course_id}"
_rules = sa.table("wf_rules", sa.column("store_id", sa.Integer), sa.column("name", sa.String),
                  sa.column("body", sa.Text))


def upgrade() -> None:
    connection = op.get_bind()
    saved = connection.execute(sa.select(_rules.c.store_id, _rules.c.body).where(_rules.c.name == "enrolment")).all()
    for store_id, body in saved:
        rules = orjson.loads(body)
        if rules.get("course_url") == _OLD_DEFAULT:
            rules["course_url"] = ""
            connection.execute(sa.update(_rules).where(_rules.c.store_id == store_id, _rules.c.name == "enrolment")
                               .values(body=orjson.dumps(rules).decode()))


def downgrade() -> None:
    pass  # an empty link is valid before this revision too
