"""The errors delivery and the standards raise; the HTTP layer answers each with its status and the
contract's body `{"error": CODE, "message": TEXT}` (launch-api.md, Conventions)."""
from __future__ import annotations


class DeliveryError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict:
        return {"error": self.code, "message": self.message}


class BadRequest(DeliveryError):
    """400 `bad_request`: a malformed request (launch-api.md, Conventions)."""
    status = 400
    code = "bad_request"


class Unauthorized(DeliveryError):
    """401: no, or an unknown, expired or already used, launch or session token."""
    status = 401
    code = "unauthorized"


class Forbidden(DeliveryError):
    status = 403
    code = "forbidden"


class NotFound(DeliveryError):
    """404: nothing of that id in the caller's store (another store's ids answer 404 too)."""
    status = 404
    code = "not_found"


class Conflict(DeliveryError):
    """409: conflicts with what is stored (a registration id used for another course or learner)."""
    status = 409
    code = "conflict"


class NotAllowed(Conflict):
    """409: sequencing, prerequisites or the standard's rules do not allow this launch or change now."""
    code = "not_allowed"


class SessionEnded(Conflict):
    """409: the session has ended or was abandoned; its token no longer works for commits."""
    code = "session_ended"


class StaleRecord(Conflict):
    """409: a record was changed by someone else since it was read (optimistic concurrency)."""
    code = "stale_record"
