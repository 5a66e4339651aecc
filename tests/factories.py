"""Small statements for API tests (each call returns a fresh dict), and credentials made the one audited way."""
from __future__ import annotations

import uuid

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def agent(name: str = "ada") -> dict:
    return {"objectType": "Agent", "name": name.title(), "mbox": f"mailto:{name}@example.com"}


def statement(*, actor: dict | None = None, verb: str = "http://adlnet.gov/expapi/verbs/experienced",
              activity: str = "http://example.com/activities/intro", statement_id: str | None = None,
              **extra) -> dict:
    result = {
        "actor": actor or agent(),
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": activity,
                   "definition": {"name": {"en-US": "Intro"}}},
    }
    if statement_id is not None:
        result["id"] = statement_id
    result.update(extra)
    return result


def statement_ref(target_id: str, *, verb: str = "http://example.com/verbs/confirmed",
                  actor: dict | None = None) -> dict:
    return {"actor": actor or agent("andrew"), "verb": {"id": verb},
            "object": {"objectType": "StatementRef", "id": target_id}}


def voiding(target_id: str, *, actor: dict | None = None) -> dict:
    return statement_ref(target_id, verb=VOIDED, actor=actor)


def new_id() -> str:
    return str(uuid.uuid4())


def with_text_attachment(given: dict, payload: bytes) -> tuple[bytes, str]:
    """A multipart/mixed request body carrying `given` with `payload` as a text/plain attachment."""
    import hashlib

    import orjson

    from lrs.xapi.attachments import AttachmentPart, build_multipart
    sha2 = hashlib.sha256(payload).hexdigest()
    given = {**given, "attachments": [{"usageType": "http://example.com/usage/notes", "display": {"en-US": "notes"},
                                       "contentType": "text/plain", "length": len(payload), "sha2": sha2}]}
    return build_multipart(orjson.dumps([given]), [AttachmentPart(sha2, "text/plain", payload)])


def issue_credential(services, name: str, *, store_name: str | None = None, scopes: str = "all",
                     key: str | None = None, secret: str | None = None):
    """A credential made as `lrs credentials create` and the admin API make one: through the audited
    Administration, so tests exercise the path operators use. The store is new unless one is named."""
    return services.administration.create_credential_in(
        "test:pytest", store_name or f"{name}-{uuid.uuid4()}", name=name, key=key, secret=secret, scopes=scopes)
