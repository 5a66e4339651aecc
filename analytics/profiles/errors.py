"""The one error of a malformed profile document."""
from __future__ import annotations

from lrs.xapi.errors import BadRequest


class ProfileInvalid(BadRequest):
    """400: the profile breaks a requirement of xAPI Profiles Part Two (`section`) at `path`."""
