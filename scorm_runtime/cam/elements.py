"""Namespace families and typed readers for manifest elements and attributes.

Manifests in the wild mix namespace URIs (IMS CP 1.1.2 vs 1.1.4, adlcp 1.2 vs 1.3) and attribute spellings
(`adlcp:scormtype` vs `adlcp:scormType`), so elements are matched by family and local name."""
from __future__ import annotations

import math
from collections.abc import Iterator
from functools import lru_cache

from lxml import etree

from delivery.package import InvalidPackage

XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

CP, ADLCP, IMSSS, ADLSEQ, ADLNAV, OTHER = "cp", "adlcp", "imsss", "adlseq", "adlnav", "other"


@lru_cache(maxsize=256)
def family(namespace: str | None) -> str:
    """The namespace family: IMS CP (or no namespace), adlcp, imsss, adlseq, adlnav or other (LOM, ...)."""
    if not namespace:
        return CP
    ns = namespace.lower()
    if "imscp" in ns:
        return CP
    if "adlcp" in ns:
        return ADLCP
    if ns.rstrip("/").endswith("/imsss") or "imsss" in ns:
        return IMSSS
    if "adlseq" in ns:
        return ADLSEQ
    if "adlnav" in ns:
        return ADLNAV
    return OTHER


def split(tag) -> tuple[str, str]:
    """(family, local name) of an element tag; comments and processing instructions give (OTHER, "")."""
    if not isinstance(tag, str):
        return OTHER, ""
    return _split(tag)


@lru_cache(maxsize=4096)
def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return family(namespace), local
    return CP, tag


def children(element, fam: str, local: str | None = None) -> Iterator:
    """Child elements of one family (and local name, compared case-insensitively)."""
    wanted = local.lower() if local else None
    for child in element:
        child_family, child_local = split(child.tag)
        if child_family == fam and (wanted is None or child_local.lower() == wanted):
            yield child


def child(element, fam: str, local: str):
    return next(children(element, fam, local), None)


def text(element) -> str | None:
    """The element's text content, stripped; None when the element is absent."""
    if element is None:
        return None
    return "".join(element.itertext()).strip()


def title(element) -> str | None:
    """A <title> child's text with runs of whitespace collapsed (titles are shown in a table of contents)."""
    value = text(child(element, CP, "title"))
    return " ".join(value.split()) if value else None


def attribute(element, local: str, *, fam: str | None = None) -> str | None:
    """An attribute by local name, unqualified or in a namespace of the given family (case-insensitive)."""
    wanted = local.lower()
    for name, value in element.attrib.items():
        if name.startswith("{"):
            namespace, _, name_local = name[1:].partition("}")
            if fam is None or family(namespace) != fam:
                continue
        else:
            name_local = name
        if name_local.lower() == wanted:
            return value
    return None


def plain_attributes(element) -> dict[str, str]:
    """Unqualified attributes by lower-cased name (imsss and IMS CP attributes carry no namespace)."""
    return {name.lower(): value for name, value in element.attrib.items() if not name.startswith("{")}


def xml_base(element) -> str | None:
    return element.get(XML_BASE)


class ValueReader:
    """Typed readers that refuse a bad value with the CAM rule and file at fault."""

    def __init__(self, file: str):
        self.file = file

    def refuse(self, message: str, rule: str):
        raise InvalidPackage(message, rule=rule, file=self.file)

    def boolean(self, raw: str | None, default: bool, what: str, rule: str) -> bool:
        if raw is None:
            return default
        value = raw.strip().lower()  # xs:boolean is lower-case; authoring tools also write "True"
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        self.refuse(f"{what} must be an xs:boolean (true or false), not {raw[:100]!r}", rule)

    def decimal(self, raw: str | None, default: float | None, what: str, rule: str,
                low: float | None = None, high: float | None = None) -> float | None:
        if raw is None or raw.strip() == "":
            return default
        try:
            value = float(raw.strip())
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
            bounds = f" in [{low}, {high}]" if low is not None and high is not None else ""
            self.refuse(f"{what} must be a decimal{bounds}, not {raw[:100]!r}", rule)
        return value

    def integer(self, raw: str | None, default: int | None, what: str, rule: str, low: int = 0) -> int | None:
        if raw is None or raw.strip() == "":
            return default
        value = raw.strip()
        digits = value[1:] if value[:1] == "+" else value
        # ASCII digits only (int() would take other scripts' digits), and a bounded length.
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 18 or int(digits) < low:
            self.refuse(f"{what} must be an integer >= {low}, not {raw[:100]!r}", rule)
        return int(digits)

    def token(self, raw: str | None, default: str | None, allowed: tuple[str, ...], what: str, rule: str) -> str | None:
        if raw is None:
            return default
        value = raw.strip()
        if value not in allowed:
            self.refuse(f"{what} must be one of {', '.join(allowed)}, not {raw[:100]!r}", rule)
        return value


def is_element(node) -> bool:
    return isinstance(node.tag, str) and not isinstance(node, (etree._Comment, etree._ProcessingInstruction))
