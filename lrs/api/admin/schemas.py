"""Request and response shapes of the admin API (marshmallow, published in the OpenAPI document)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from lrs.api.openapi import AGENT
from lrs.xapi.scopes import SCOPES

# Store and credential ids are INTEGER columns (4 bytes on PostgreSQL): a larger id names no row.
ROW_ID_MAX = 2**31 - 1


class StrictBoolean(fields.Boolean):
    """JSON true or false only: marshmallow would also read 0, 1, "yes"... and {"dry_run": 0} would really delete."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class QueryInteger(fields.Integer):
    """A query-string integer in ASCII digits: int() would also read '٣' or '²'-like digits of other scripts."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not (value.isascii() and value.isdigit()):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


# Names are text columns, which on PostgreSQL cannot hold U+0000: refused on every database alike.
NAME = [validate.Length(min=1, max=200), validate.Regexp(r"^[^\x00]*$", error="must not contain U+0000")]


class StoreSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=NAME)
    enabled = fields.Boolean(dump_only=True)
    created_ms = fields.Integer(dump_only=True)
    active_credentials = fields.Integer(dump_only=True)


class StoreChangeSchema(Schema):
    name = fields.String(validate=NAME)
    enabled = StrictBoolean()


class CredentialSchema(Schema):
    id = fields.Integer(dump_only=True)
    store_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    key = fields.String(dump_only=True)
    scopes = fields.Function(lambda record: record.scopes.split(), dump_only=True)
    revoked = fields.Boolean(dump_only=True)


class CredentialRequestSchema(Schema):
    name = fields.String(required=True, validate=NAME)
    scopes = fields.List(fields.String(validate=validate.OneOf(SCOPES)), load_default=["all"],
                         validate=validate.Length(min=1))


class IssuedCredentialSchema(Schema):
    """Returned once, when a credential is created or its secret rotated: the secret is not kept."""
    credential_id = fields.Integer()
    store_id = fields.Integer()
    key = fields.String()
    secret = fields.String()


class ErasureRequestSchema(Schema):
    agent = fields.Dict(required=True, metadata=AGENT)
    dry_run = StrictBoolean(load_default=True, metadata={"description": "count only (the default)"})


class ErasureResultSchema(Schema):
    dry_run = fields.Boolean()
    statements = fields.Integer()
    attachments = fields.Integer()
    documents = fields.Integer()


class AuditQuerySchema(Schema):
    store_id = QueryInteger(validate=validate.Range(min=1, max=ROW_ID_MAX))
    limit = QueryInteger(load_default=100, validate=validate.Range(min=1, max=1000))


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at_ms = fields.Integer()
    actor = fields.String()
    action = fields.String()
    store_id = fields.Integer(allow_none=True)
    detail = fields.Dict()
