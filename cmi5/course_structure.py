"""Course import (cmi5 6.1, 13, 14): cmi5.xml validated against CourseStructure.xsd and the rules the
schema cannot say, turned into delivery's ParsedCourse.

Every rejection is InvalidPackage whose `rule` is the requirement id as the spec and ADL's CATAPULT
number it ("cmi5 13.1.4.0-1"). The parser never resolves entities, reads no DTD and touches no network;
a DOCTYPE is refused before libxml2 sees the document."""
from __future__ import annotations

import posixpath
import re
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from urllib.parse import parse_qsl, unquote, urlsplit

from lxml import etree

from delivery.course import Launchable, ParsedCourse
from delivery.package import InvalidPackage, PackageFiles

from cmi5.vocabulary import (COURSE_STRUCTURE_NS, DEFAULT_LAUNCH_METHOD, DEFAULT_MOVE_ON, LAUNCH_PARAMETERS)

ROOT_FILE = "cmi5.xml"
_NS = "{" + COURSE_STRUCTURE_NS + "}"
_TAG_AU, _TAG_BLOCK = _NS + "au", _NS + "block"
# A fully qualified IRI (RFC 3987): a scheme, then no whitespace, controls or characters IRIs exclude.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f<>\"{}|\\^`]+\Z")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f]")


def _rule(number: str) -> str:
    return f"cmi5 {number}"


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    text = resources.files("cmi5").joinpath("CourseStructure.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(text, _parser()))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True)


def read_document(content: bytes) -> etree._Element:
    """The parsed cmi5.xml, schema-valid (cmi5 13.2.0.0-1: the course structure conforms to the XSD)."""
    if _DOCTYPE.search(content):
        # No DTD of any kind: entity expansion and external fetches are refused before parsing.
        raise InvalidPackage("cmi5.xml must not contain a DOCTYPE or entity declarations",
                             rule=_rule("13.2.0.0-1"), file=ROOT_FILE)
    try:
        root = etree.fromstring(content, _parser())
    except (etree.XMLSyntaxError, ValueError) as error:
        raise InvalidPackage(f"cmi5.xml is not well-formed XML: {error}", rule=_rule("13.2.0.0-1"),
                             file=ROOT_FILE) from None
    schema = _schema()
    if not schema.validate(root):
        first = schema.error_log.last_error
        detail = f"line {first.line}: {first.message}" if first is not None else "schema violation"
        raise InvalidPackage(f"cmi5.xml does not conform to CourseStructure.xsd ({detail})",
                             rule=_schema_rule(first.message if first is not None else ""), file=ROOT_FILE)
    return root


def _schema_rule(message: str) -> str:
    """The requirement a schema error breaks: an AU url that is no URI is 13.1.4.0-2, an id that is no
    URI 3.0.0.0-1, anything else the schema itself (13.2.0.0-1)."""
    if f"Element '{_NS}url'" in message:
        return _rule("13.1.4.0-2")
    if "attribute 'id'" in message and "anyURI" in message:
        return _rule("3.0.0.0-1")
    return _rule("13.2.0.0-1")


def _text(element) -> str:
    # cmi5 13.1: leading and trailing whitespace removed from every data element.
    return (element.text or "").strip() if element is not None else ""


def _langstrings(element) -> list[dict]:
    if element is None:
        return []
    return [{"lang": (child.get("lang") or "").strip(), "value": _text(child)}
            for child in element if child.tag == _NS + "langstring"]


def _first_text(strings: list[dict]) -> str:
    return next((item["value"] for item in strings if item["value"]), "")


def _iri(value: str | None, what: str) -> str:
    value = (value or "").strip()
    if not _IRI.match(value):
        # cmi5 3.0 (CATAPULT 3.0.0.0-1): ids are IRIs, fully qualified.
        raise InvalidPackage(f"{what} '{value}' is not a fully qualified IRI", rule=_rule("3.0.0.0-1"), file=ROOT_FILE)
    return value


def _objective_refs(element, declared: set[str]) -> list[str]:
    holder = element.find(_NS + "objectives")
    if holder is None:
        return []
    refs = []
    for child in holder:
        if child.tag != _NS + "objective":
            continue
        idref = (child.get("idref") or "").strip()
        if idref not in declared:
            # cmi5 13.1.2/13.1.4 objectives: an objectiveReference names an objective of the course.
            raise InvalidPackage(f"objective reference '{idref}' names no objective of the course",
                                 rule=_rule("13.1.3"), file=ROOT_FILE)
        refs.append(idref)
    return refs


def check_au_url(url: str, files: PackageFiles, *, bare: bool, check_files: bool) -> None:
    """cmi5 13.1.4 url, 8.1 and 14: valid, no launch parameter in its query, relative only in a zip and
    then naming a file of it."""
    if not url or _URL_FORBIDDEN.search(url):
        raise InvalidPackage(f"AU url '{url}' is not a valid URL", rule=_rule("13.1.4.0-2"), file=ROOT_FILE)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError as error:
        raise InvalidPackage(f"AU url '{url}' is not a valid URL ({error})", rule=_rule("13.1.4.0-2"),
                             file=ROOT_FILE) from None
    absolute = bool(_SCHEME.match(url))
    if absolute and parts.scheme.lower() not in ("http", "https"):
        # cmi5 8.1: the LMS launches the AU by a URL it appends launch parameters to; a javascript:,
        # data: or file: url would run in, or read from, whatever page opens it.
        raise InvalidPackage(f"AU url '{url}' is not an http(s) URL", rule=_rule("13.1.4.0-2"), file=ROOT_FILE)
    if absolute and not parts.hostname:
        raise InvalidPackage(f"AU url '{url}' has no host", rule=_rule("13.1.4.0-2"), file=ROOT_FILE)
    names = {name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
    clash = [name for name in LAUNCH_PARAMETERS if name in names]
    if clash:
        # cmi5 8.1: the AU's own query names MUST NOT collide with the launch parameters.
        raise InvalidPackage(f"AU url '{url}' uses the launch parameter '{clash[0]}' in its query",
                             rule=_rule("8.1.0.0-6"), file=ROOT_FILE)
    if absolute:
        return
    if bare:
        # cmi5 14.2: without a zip, every url is fully qualified.
        raise InvalidPackage(f"AU url '{url}' is relative, but the course structure came without a zip",
                             rule=_rule("14.2.0.0-1"), file=ROOT_FILE)
    if check_files and package_path(url) not in files.names:
        # cmi5 14.1: a relative url is an entry point inside the zip.
        raise InvalidPackage(f"AU url '{url}' names no file of the package", rule=_rule("14.1.0.0-4"),
                             file=package_path(url) or url)


def package_path(url: str) -> str:
    """The zip member a relative AU url names: query and fragment dropped, percent-decoded, normalised."""
    path = unquote(urlsplit(url).path)
    if not path or path.startswith("/"):
        return ""
    normal = posixpath.normpath(path)
    return "" if normal.startswith("..") or normal == "." else normal


def parse_course(files: PackageFiles, *, manifest_only: bool) -> ParsedCourse:
    """cmi5.xml of the package (cmi5 14.1.0.0-2: at its root) as a ParsedCourse.

    `manifest_only`: no file-presence check. A package whose only file is cmi5.xml is a bare course
    structure (cmi5 14.2), where relative urls are refused."""
    try:
        content = files.read(ROOT_FILE)
    except KeyError:
        raise InvalidPackage("the package has no cmi5.xml at its root", rule=_rule("14.1.0.0-2"), file=None) from None
    root = read_document(content)
    bare = files.names == frozenset({ROOT_FILE})
    return CourseReader(files, bare=bare, check_files=not manifest_only).read(root)


class CourseReader:
    """One pass over the schema-valid tree: ids checked as they come, AUs collected depth-first."""

    def __init__(self, files: PackageFiles, *, bare: bool, check_files: bool):
        self.files = files
        self.bare = bare
        self.check_files = check_files
        self.block_ids: set[str] = set()
        self.au_ids: set[str] = set()
        self.objective_ids: set[str] = set()
        self.launchables: list[Launchable] = []
        self.aus: dict[str, dict] = {}
        self.blocks: dict[str, dict] = {}

    def read(self, root) -> ParsedCourse:
        course = root.find(_NS + "course")
        course_id = _iri(course.get("id"), "the course id")
        title = _langstrings(course.find(_NS + "title"))
        objectives = []
        holder = root.find(_NS + "objectives")
        if holder is not None:
            for objective in holder:
                if objective.tag != _NS + "objective":
                    continue
                objective_id = _iri(objective.get("id"), "the objective id")
                if objective_id in self.objective_ids:
                    raise InvalidPackage(f"objective id '{objective_id}' is not unique in the course structure",
                                         rule=_rule("13.1.3.0-1"), file=ROOT_FILE)
                self.objective_ids.add(objective_id)
                objectives.append({"id": objective_id, "title": _langstrings(objective.find(_NS + "title")),
                                   "description": _langstrings(objective.find(_NS + "description"))})
        children = self._children(root, ())
        if not self.launchables:
            raise InvalidPackage("the course structure has no AU", rule=_rule("13.2.0.0-1"), file=ROOT_FILE)
        structure = {"type": "course", "id": course_id, "title": title,
                     "description": _langstrings(course.find(_NS + "description")),
                     "objectives": objectives, "children": children}
        runtime = {"courseId": course_id, "aus": self.aus, "blocks": self.blocks,
                   "auOrder": [item.id for item in self.launchables]}
        return ParsedCourse(standard="cmi5", edition=None, title=_first_text(title) or course_id,
                            launchables=tuple(self.launchables), structure=structure, runtime=runtime)

    def _children(self, parent, blocks: tuple[str, ...]) -> list[dict]:
        children = []
        for child in parent:
            if child.tag == _TAG_AU:
                children.append(self._au(child, blocks))
            elif child.tag == _TAG_BLOCK:
                children.append(self._block(child, blocks))
        return children

    def _block(self, element, blocks: tuple[str, ...]) -> dict:
        block_id = _iri(element.get("id"), "the block id")
        if block_id in self.block_ids:
            raise InvalidPackage(f"block id '{block_id}' is not unique in the course structure",
                                 rule=_rule("13.1.2.0-1"), file=ROOT_FILE)
        self.block_ids.add(block_id)
        title = _langstrings(element.find(_NS + "title"))
        first_au = len(self.launchables)
        node = {"type": "block", "id": block_id, "title": title,
                "description": _langstrings(element.find(_NS + "description")),
                "objectives": _objective_refs(element, self.objective_ids)}
        node["children"] = self._children(element, blocks + (block_id,))
        # Every AU below the block, at any depth: the block is satisfied when all of them are (13.1.4 moveOn).
        self.blocks[block_id] = {"title": _first_text(title) or block_id, "parents": list(blocks),
                                 "aus": [item.id for item in self.launchables[first_au:]]}
        return node

    def _au(self, element, blocks: tuple[str, ...]) -> dict:
        au_id = _iri(element.get("id"), "the AU id")
        if au_id in self.au_ids:
            raise InvalidPackage(f"AU id '{au_id}' is not unique in the course structure",
                                 rule=_rule("13.1.4.0-1"), file=ROOT_FILE)
        self.au_ids.add(au_id)
        url = _text(element.find(_NS + "url"))
        check_au_url(url, self.files, bare=self.bare, check_files=self.check_files)
        title = _langstrings(element.find(_NS + "title"))
        launch_method = (element.get("launchMethod") or DEFAULT_LAUNCH_METHOD).strip()
        move_on = (element.get("moveOn") or DEFAULT_MOVE_ON).strip()
        mastery = element.get("masteryScore")
        mastery_score = float(Decimal(mastery.strip())) if mastery is not None else None
        parameters = element.find(_NS + "launchParameters")
        entitlement = element.find(_NS + "entitlementKey")
        activity_type = element.get("activityType")
        au = {"type": "au", "id": au_id, "title": title,
              "description": _langstrings(element.find(_NS + "description")),
              "objectives": _objective_refs(element, self.objective_ids), "url": url,
              "launchMethod": launch_method, "moveOn": move_on, "masteryScore": mastery_score,
              "launchParameters": _text(parameters) if parameters is not None else None,
              "entitlementKey": _text(entitlement) if entitlement is not None else None,
              "activityType": activity_type.strip() if activity_type is not None else None}
        index = len(self.launchables)
        self.launchables.append(Launchable(au_id, index, _first_text(title) or au_id, launch_method))
        self.aus[au_id] = {"index": index, "url": url, "relative": not _SCHEME.match(url),
                           "launchMethod": launch_method, "moveOn": move_on, "masteryScore": mastery_score,
                           "launchParameters": au["launchParameters"], "entitlementKey": au["entitlementKey"],
                           "activityType": au["activityType"], "blocks": list(blocks)}
        return au
