"""Agent and Group identity: the inverse functional identifier (IFI) that makes two agents equal."""
from __future__ import annotations

import hashlib
import json

IFI_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account")


def ifi_key(agent: dict) -> str | None:
    """A string equal for two Agents/identified Groups exactly when their IFIs are equal (xAPI-Data 2.4.2.3)."""
    if not isinstance(agent, dict):
        return None
    if "mbox" in agent:
        return "mbox|" + str(agent["mbox"])
    if "mbox_sha1sum" in agent:
        return "mbox_sha1sum|" + str(agent["mbox_sha1sum"]).lower()
    if "openid" in agent:
        return "openid|" + str(agent["openid"])
    account = agent.get("account")
    if isinstance(account, dict):
        name = str(account.get("name"))
        if "\x00" in name:
            # Keys are stored as text, which on PostgreSQL cannot hold U+0000; JSON escapes it, and
            # the distinct prefix keeps these keys apart from every plain one.
            return "account~json|" + str(account.get("homePage")) + "|" + json.dumps(name)
        return "account|" + str(account.get("homePage")) + "|" + name
    return None


def identity_of(agent: dict) -> dict:
    """The minimum properties that identify an Agent or Group (the `ids` format, xAPI-Communication 2.1.3)."""
    identified = {key: agent[key] for key in IFI_PROPERTIES if key in agent}
    if "objectType" in agent:
        identified["objectType"] = agent["objectType"]
    if agent.get("objectType") == "Group" and not any(key in agent for key in IFI_PROPERTIES):
        identified["member"] = [identity_of(member) for member in agent.get("member", [])]
    return identified


def identifier_variants(agent: dict) -> list[dict]:
    """The agent's IFI and the other IFIs that name the same mailbox: an mbox and its mbox_sha1sum
    are one person (xAPI-Data 2.4.2.3), so erasing one must erase both."""
    variants = [{key: agent[key] for key in IFI_PROPERTIES if key in agent}]
    mbox = agent.get("mbox")
    if isinstance(mbox, str):
        variants.append({"mbox_sha1sum": hashlib.sha1(mbox.encode()).hexdigest()})
    return variants
