"""What a launch hands out (cmi5 8.1, 10): the AU's absolute URL with its own query, the launch URL with
the five launch parameters, and the LMS.LaunchData document. No I/O."""
from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import orjson

from cmi5.statements import context_template


def au_base_url(au: dict, content_url) -> str:
    """The AU's fully qualified URL with its own query and fragment (cmi5 9.6.3.4 launchurl): a relative
    url is a file of the course's package, served from the content origin."""
    if not au["relative"]:
        return au["url"]
    parts = urlsplit(au["url"])
    base = content_url(parts.path)  # percent-encodes the package path
    return base + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def launch_url(base_url: str, *, endpoint: str, fetch: str, actor: dict, registration_id: str,
               activity_id: str) -> str:
    """cmi5 8.1: the launch parameters appended to the AU's query, each value URL-encoded."""
    parts = urlsplit(base_url)
    parameters = urlencode([("endpoint", endpoint), ("fetch", fetch),
                            ("actor", orjson.dumps(actor).decode()), ("registration", registration_id),
                            ("activityId", activity_id)], quote_via=quote, safe="")
    query = f"{parts.query}&{parameters}" if parts.query else parameters
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def launch_data(au: dict, *, session_id: str, publisher_id: str, launch_mode: str, return_url: str | None) -> dict:
    """cmi5 10.2: contextTemplate (10.2.1), launchMode, launchParameters, masteryScore, moveOn, returnURL,
    entitlementKey (10.2.7.1 courseStructure, when the course structure has one)."""
    document: dict = {"contextTemplate": context_template(session_id, publisher_id), "launchMode": launch_mode,
                      "moveOn": au["moveOn"]}
    if au.get("launchParameters") is not None:
        document["launchParameters"] = au["launchParameters"]
    if au.get("masteryScore") is not None:
        document["masteryScore"] = au["masteryScore"]
    if return_url:
        document["returnURL"] = return_url
    if au.get("entitlementKey") is not None:
        document["entitlementKey"] = {"courseStructure": au["entitlementKey"]}
    return document
