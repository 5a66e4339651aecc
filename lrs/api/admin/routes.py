"""The admin API: stores, credentials, erasure and the audit log, for admins signed in with HTTP Basic.

Every change goes through lrs.services.administration, which writes the audit log.
"""
from __future__ import annotations

import json

import orjson
from flask import current_app, g, request
from marshmallow import missing
from webargs.flaskparser import FlaskParser, is_json_request

from lrs.api.admin.schemas import (AuditEntrySchema, AuditQuerySchema, CredentialRequestSchema,
                                   CredentialSchema, ErasureRequestSchema, ErasureResultSchema,
                                   IssuedCredentialSchema, ROW_ID_MAX, StoreChangeSchema, StoreSchema)
from lrs.api.openapi import DocumentedBlueprint
from lrs.services.administration import Administration
from lrs.xapi.errors import NotFound
from lrs.xapi.json_nesting import storable_json
from lrs.xapi.statement_query import parse_agent_parameter


class _ArgumentsParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400  # an invalid body is a 400, as everywhere else in this LRS

    def _raw_load_json(self, req):
        """orjson, as on /xapi: the standard library's parser recurses (a deeply nested body was a 500) and
        accepts lone surrogates, which no database driver can write. Deeper than the LRS writes back is 400."""
        if not is_json_request(req):
            return missing
        data = req.get_data(cache=True)
        if not data:
            return missing
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError as error:  # orjson leaves `doc` empty, which webargs reads as "no body"
            raise json.JSONDecodeError(str(error), data.decode("utf-8", "replace"), error.pos) from None
        storable_json(value, path="")
        return value


class AdminBlueprint(DocumentedBlueprint):
    ARGUMENTS_PARSER = _ArgumentsParser()

    def arguments(self, schema, *, location="json", required=None, **kwargs):
        """A body is required only when its schema has a required field: an absent JSON body reads as {}."""
        if required is None:
            instance = schema() if isinstance(schema, type) else schema
            required = location != "json" or any(field.required for field in instance.fields.values())
        return super().arguments(schema, location=location, required=required, **kwargs)


# Every admin operation: credentials, cross-site browser requests and form types (lrs.api.admin_origin),
# the failed-login throttle and the database.
blueprint = AdminBlueprint("admin", __name__, url_prefix="/admin",
                           description="Stores, credentials, erasure and audit (HTTP Basic with an admin account)",
                           security=[{"adminBasic": []}], shared_errors=(401, 403, 415, 429, 503))


def _administration() -> Administration:
    return current_app.extensions["lrs"].administration


@blueprint.before_request
def _authenticate_admin():
    g.admin_actor = _administration().authenticate_admin(request.headers.get("Authorization"),
                                                         request.remote_addr)


@blueprint.before_request
def _refuse_ids_no_row_has():
    """A path id the id columns cannot hold is a 404 here, not an overflow in the database driver."""
    for name, value in (request.view_args or {}).items():
        if name.endswith("_id") and not 1 <= value <= ROW_ID_MAX:
            raise NotFound(f"no {name[:-3]} {value}", path=name)


@blueprint.route("/stores", methods=["GET"])
@blueprint.response(200, StoreSchema(many=True))
def list_stores():
    """Every store, with its count of active credentials."""
    return _administration().stores()


@blueprint.route("/stores", methods=["POST"])
@blueprint.arguments(StoreSchema)
@blueprint.response(201, StoreSchema)
@blueprint.errors(409)
def create_store(body):
    """A new, empty store."""
    return _administration().create_store(g.admin_actor, body["name"])


@blueprint.route("/stores/<int:store_id>", methods=["GET"])
@blueprint.response(200, StoreSchema)
@blueprint.errors(404)
def get_store(store_id: int):
    return _administration().store(store_id)


@blueprint.route("/stores/<int:store_id>", methods=["PATCH"])
@blueprint.arguments(StoreChangeSchema)
@blueprint.response(200, StoreSchema)
@blueprint.errors(404, 409)
def change_store(body, store_id: int):
    """Rename a store, or disable it (its credentials stop working at once) and enable it again."""
    return _administration().change_store(g.admin_actor, store_id, name=body.get("name"),
                                          enabled=body.get("enabled"))


@blueprint.route("/stores/<int:store_id>/credentials", methods=["GET"])
@blueprint.response(200, CredentialSchema(many=True))
@blueprint.errors(404)
def list_credentials(store_id: int):
    return _administration().credentials(store_id)


@blueprint.route("/stores/<int:store_id>/credentials", methods=["POST"])
@blueprint.arguments(CredentialRequestSchema)
@blueprint.response(201, IssuedCredentialSchema)
@blueprint.errors(404)
def create_credential(body, store_id: int):
    """A credential for the store with the given scopes; its secret is shown only in this answer."""
    return _administration().create_credential(g.admin_actor, store_id, name=body["name"],
                                               scopes=" ".join(body["scopes"]))


@blueprint.route("/credentials/<int:credential_id>/rotate", methods=["POST"])
@blueprint.response(200, IssuedCredentialSchema)
@blueprint.errors(404)
def rotate_credential(credential_id: int):
    """A new secret for the same key; the old one stops working at once."""
    return _administration().rotate_secret(g.admin_actor, credential_id)


@blueprint.route("/credentials/<int:credential_id>/revoke", methods=["POST"])
@blueprint.response(204)
@blueprint.errors(404)
def revoke_credential(credential_id: int):
    """The key, its secret and every token issued for it stop working at once."""
    _administration().revoke_credential(g.admin_actor, credential_id)


@blueprint.route("/stores/<int:store_id>/erasure", methods=["POST"])
@blueprint.arguments(ErasureRequestSchema)
@blueprint.response(200, ErasureResultSchema)
@blueprint.errors(404)
def erase_agent(body, store_id: int):
    """Delete what the store holds about an agent (GDPR erasure); dry_run (the default) only counts."""
    agent = parse_agent_parameter(orjson.dumps(body["agent"]).decode())
    counts = _administration().erase_agent(g.admin_actor, store_id, agent, dry_run=body["dry_run"])
    return {"dry_run": body["dry_run"], "statements": counts.statements, "attachments": counts.attachments,
            "documents": counts.documents}


@blueprint.route("/audit", methods=["GET"])
@blueprint.arguments(AuditQuerySchema, location="query")
@blueprint.response(200, AuditEntrySchema(many=True))
def audit(query):
    """The newest audit entries first, optionally for one store."""
    return _administration().audit(store_id=query.get("store_id"), limit=query["limit"])


# Registers /admin/terms/purge on this blueprint; imported last because it uses the names above.
from lrs.api.admin import terms_routes  # noqa: E402,F401
