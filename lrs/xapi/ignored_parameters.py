"""Query parameters the LRS recognises and ignores on every xAPI resource (xAPI-Communication 3.2.s3.b7
Note: an LRS MAY recognise parameters the specification does not name).

@xapi/xapi adds `cachebuster` to its GETs so that browsers and proxies do not answer from a cache."""
from __future__ import annotations

IGNORED_PARAMETERS = frozenset({"cachebuster"})


def without_ignored(parameters: dict) -> dict:
    """The parameters that mean something to the LRS."""
    return {name: value for name, value in parameters.items() if name not in IGNORED_PARAMETERS}
