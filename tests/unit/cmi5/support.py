"""What the cmi5 tests share: course structures built as text, packages held in memory, the spec's examples."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape
from pathlib import Path

SPEC = Path(__file__).resolve().parents[3].parent / "shared" / "specs" / "cmi5"
EXAMPLES = SPEC / "examples"
NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"


class MemoryPackage:
    """delivery.package.PackageFiles over a dict of member name -> bytes."""

    def __init__(self, members: dict[str, bytes]):
        self._members = dict(members)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._members)

    def read(self, name: str) -> bytes:
        return self._members[name]

    def open(self, name: str):
        return io.BytesIO(self._members[name])


def texts(value: str) -> str:
    return f'<title><langstring lang="en-US">{value}</langstring></title>' \
           f'<description><langstring lang="en-US">{value} description</langstring></description>'


def au(au_id: str, url: str = "https://au.example.com/start.html", attributes: str = "", extra: str = "") -> str:
    return f'<au id="{au_id}" {attributes}>{texts("AU " + au_id)}{extra_objectives(extra)}<url>{escape(url)}</url>' \
           f'{extra_after(extra)}</au>'


def extra_objectives(extra: str) -> str:
    return extra if extra.startswith("<objectives") else ""


def extra_after(extra: str) -> str:
    return "" if extra.startswith("<objectives") else extra


def block(block_id: str, *children: str) -> str:
    return f'<block id="{block_id}">{texts("Block " + block_id)}{"".join(children)}</block>'


def course_xml(*children: str, course_id: str = "https://example.com/course", objectives: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><courseStructure xmlns="{NS}">'
            f'<course id="{course_id}">{texts("Course")}</course>{objectives}{"".join(children)}'
            f'</courseStructure>').encode()


def objectives(*ids: str) -> str:
    return "<objectives>" + "".join(f'<objective id="{objective_id}">{texts("Objective")}</objective>'
                                    for objective_id in ids) + "</objectives>"
