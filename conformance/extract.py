"""Extracts the numbered MUST requirements from the xAPI 1.0.3 specification's markdown.

Run from the repository root with the specs beside it:
    python -m conformance.extract ../shared/specs/xapi-1.0.3 > conformance/requirements/xapi-1.0.3.json
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import orjson

DOCUMENTS = {"xAPI-Communication.md": "xAPI-Communication", "xAPI-Data.md": "xAPI-Data",
             "xAPI-About.md": "xAPI-About"}
_BULLET = re.compile(r'^\s*\*\s*(?:<a name="[^"]*"\s*/?>\s*(?:</a>)?\s*)*<a name="(?P<id>[0-9][0-9a-z.]*)"></a>(?P<text>.*)$')
_HEADING = re.compile(r"^#{2,6}\s*(?:<a name=\"[^\"]*\"></a>)?\s*(?P<title>.*)$")
_LEVEL = re.compile(r"\b(MUST NOT|MUST|SHALL NOT|SHALL)\b")
_WEAKER = re.compile(r"\b(SHOULD|MAY|RECOMMENDED|OPTIONAL)\b")
# Requirements on other parties: the LRS cannot be tested for them (it may still enforce them).
_OTHER_PARTIES = ("Learning Record Provider Requirements", "Client Requirements",
                  "Learning Record Consumer Requirements", "Rationale")


def _clean(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def extract(specs: Path) -> list[dict]:
    requirements = []
    for filename, document in DOCUMENTS.items():
        heading = ""
        current = None
        for line in (specs / filename).read_text(encoding="utf-8").splitlines():
            heading_match = _HEADING.match(line)
            bullet = _BULLET.match(line)
            if bullet:
                current = {"id": f"{document} {bullet['id']}", "heading": heading, "text": bullet["text"]}
                requirements.append(current)
            elif heading_match or not line.strip():
                current = None
                if heading_match:
                    heading = _clean(heading_match["title"])
            elif current is not None:
                current["text"] += " " + line.strip()
    result = []
    by_id = {requirement["id"]: requirement for requirement in requirements}
    for requirement in requirements:
        text = _clean(requirement["text"])
        level = _LEVEL.search(text)
        parent = by_id.get(requirement["id"].rsplit(".b", 1)[0])
        if not level and not _WEAKER.search(text) and parent is not None and requirement["id"].count(".b") > 1:
            # A sub-bullet completes its parent's sentence: "The LRS MUST reject Statements" / "with any null values".
            text = _clean(parent["text"]) + " " + text
            level = _LEVEL.search(text)
        if not level:
            continue
        applies = "other" if any(party in requirement["heading"] for party in _OTHER_PARTIES) else "lrs"
        result.append({"id": requirement["id"], "level": level.group(1), "applies": applies,
                       "heading": requirement["heading"], "text": text})
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", type=Path, help="folder holding xAPI-Communication.md and xAPI-Data.md")
    arguments = parser.parse_args(argv)
    sys.stdout.buffer.write(orjson.dumps(extract(arguments.specs), option=orjson.OPT_INDENT_2) + b"\n")


if __name__ == "__main__":
    main()
