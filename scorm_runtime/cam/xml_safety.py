"""Parse a manifest with lxml as hostile input: no network, no DTD loading, no entity expansion, bounded size.

A DOCTYPE that declares entities or names an external DTD is refused outright (billion laughs, external
entities): nothing is expanded or fetched."""
from __future__ import annotations

import re

from lxml import etree

from delivery.package import InvalidPackage

from . import rules
from .limits import CamLimits

# "<!ENTITY" in the encodings a manifest may use; checked on the raw bytes before libxml2 sees them.
_ENTITY_MARKERS = tuple(
    "<!ENTITY".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_DOCTYPE_MARKERS = tuple(
    "<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
# The one DOCTYPE allowed: a bare name, no external identifier and no internal subset.
_PLAIN_DOCTYPE = re.compile(rb"<!DOCTYPE\s+[A-Za-z_][\w.:-]*\s*>")
_XML_DECLARATION = re.compile(rb"^\s*(<\?xml[^>]*\?>)?\s*$", re.S)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True, collect_ids=False,
    )


def parse_xml(data: bytes, file: str, limits: CamLimits):
    """The root element of a well-formed manifest, or InvalidPackage naming the file."""
    if len(data) > limits.max_manifest_bytes:
        raise InvalidPackage(
            f"{file} is {len(data)} bytes, over the limit of {limits.max_manifest_bytes}", rule=rules.PACKAGE, file=file)
    if any(marker in data for marker in _ENTITY_MARKERS):
        raise InvalidPackage(
            f"{file} declares XML entities in a DOCTYPE; entity declarations are refused and never expanded "
            "(entity expansion and external entity attacks)", rule=rules.PACKAGE, file=file)
    if any(marker in data for marker in _DOCTYPE_MARKERS) and not _plain_doctype(data):
        # libxml2 would try to open an external DTD (a local file, or the network) before anything else.
        raise InvalidPackage(
            f"{file} has a DOCTYPE with an external DTD or an internal subset; DTDs are never loaded",
            rule=rules.PACKAGE, file=file)
    if _XML_DECLARATION.match(data):
        raise InvalidPackage(f"{file} has no root element: it is not an XML manifest", rule=rules.PACKAGE, file=file)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise InvalidPackage(f"{file} is not well-formed XML: {_first_line(error)}", rule=rules.PACKAGE, file=file)
    except (ValueError, TypeError) as error:  # e.g. an encoding libxml2 cannot read
        raise InvalidPackage(f"{file} cannot be read as XML: {_first_line(error)}", rule=rules.PACKAGE, file=file)
    if root is None:
        raise InvalidPackage(f"{file} has no root element: it is not an XML manifest", rule=rules.PACKAGE, file=file)
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    if docinfo.system_url or docinfo.public_id or (dtd is not None and any(True for _ in dtd.iterentities())):
        raise InvalidPackage(
            f"{file} has a DOCTYPE naming an external DTD or declaring entities; DTDs are never loaded",
            rule=rules.PACKAGE, file=file)
    count = 0
    for _ in root.iter():
        count += 1
        if count > limits.max_elements:
            raise InvalidPackage(
                f"{file} has more than {limits.max_elements} elements", rule=rules.PACKAGE, file=file)
    return root


def _plain_doctype(data: bytes) -> bool:
    start = data.find(b"<!DOCTYPE")
    return start >= 0 and data.count(b"<!DOCTYPE") == 1 and _PLAIN_DOCTYPE.match(data, start) is not None


def _first_line(error: Exception) -> str:
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    return message[:300]
