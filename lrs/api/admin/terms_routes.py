"""Admin API: purge the term dictionary (`lrs terms purge`). Registered on the admin blueprint, so the
same admin authentication applies; lrs/api/admin/routes.py imports this module."""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields

from lrs.api.admin.routes import _administration, blueprint
from lrs.api.admin.schemas import StrictBoolean


class TermPurgeRequestSchema(Schema):
    dry_run = StrictBoolean(load_default=True, metadata={"description": "count only (the default)"})


class TermPurgeResultSchema(Schema):
    dry_run = fields.Boolean()
    examined = fields.Integer(metadata={"description": "terms in the dictionary when the purge ran"})
    unused = fields.Integer(metadata={"description": "terms no statement used"})
    deleted = fields.Integer(metadata={"description": "terms deleted (0 on a dry run)"})


@blueprint.route("/terms/purge", methods=["POST"])
@blueprint.arguments(TermPurgeRequestSchema)
@blueprint.response(200, TermPurgeResultSchema)
def purge_terms(body):
    """Delete term dictionary entries no statement uses (after erasures); dry_run (the default) only
    counts. Safe while servers write; audited."""
    result = _administration().purge_terms(g.admin_actor, dry_run=body["dry_run"])
    return {"dry_run": body["dry_run"], "examined": result.examined, "unused": result.unused,
            "deleted": result.deleted}
