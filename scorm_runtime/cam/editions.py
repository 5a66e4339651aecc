"""SCORM version and 2004 edition of a manifest, from <schemaversion> and the namespaces it uses.

schemaversion (CAM 3.4.1.4) names the version: "1.2"; "CAM 1.3" (2004 2nd Edition); "2004 3rd Edition";
"2004 4th Edition". Without it, the SCORM 2004 namespaces (IMS CP 1.1.4, adlcp_v1p3, imsss, adlseq, adlnav)
still make it 2004, with the edition known only when 4th Edition elements appear."""
from __future__ import annotations

from . import elements as el

SCORM12, SCORM2004 = "scorm12", "scorm2004"

_EDITIONS = {
    "cam 1.3": "2nd", "1.3": "2nd", "2004 2nd edition": "2nd", "2004 2nd": "2nd", "1.3.1": "2nd",
    "2004 3rd edition": "3rd", "2004 3rd": "3rd", "cam 1.3 3rd edition": "3rd",
    "2004 4th edition": "4th", "2004 4th": "4th",
}
_2004_NAMESPACE_MARKERS = ("imscp_v1p1", "adlcp_v1p3", "adlseq_v1p3", "adlnav_v1p3", "imsss")


def schemaversion(root) -> str | None:
    metadata = el.child(root, el.CP, "metadata")
    if metadata is None:
        return None
    return el.text(el.child(metadata, el.CP, "schemaversion"))


def detect(root) -> tuple[str, str | None]:
    """(standard, edition): ("scorm12", None) or ("scorm2004", "2nd" | "3rd" | "4th" | None)."""
    declared = " ".join((schemaversion(root) or "").lower().split())
    if declared in ("1.2", "1.2.0", "scorm 1.2"):
        return SCORM12, None
    if declared in _EDITIONS:
        return SCORM2004, _EDITIONS[declared]
    namespaces = {ns for ns in root.nsmap.values() if ns} | {_namespace(root.tag)}
    if declared.startswith("2004") or any(marker in ns for ns in namespaces for marker in _2004_NAMESPACE_MARKERS):
        return SCORM2004, ("4th" if _has_4th_edition_elements(root) else None)
    if declared.startswith("1.2"):
        return SCORM12, None
    for element in root.iter():
        if el.split(element.tag)[0] in (el.IMSSS, el.ADLSEQ, el.ADLNAV):
            return SCORM2004, ("4th" if _has_4th_edition_elements(root) else None)
    return SCORM12, None


def _namespace(tag) -> str:
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _has_4th_edition_elements(root) -> bool:
    """adlcp:data, an attribute-form adlcp:completionThreshold or adlseq:objectives exist only from the 4th Edition."""
    for element in root.iter():
        fam, local = el.split(element.tag)
        if fam == el.ADLCP and local == "data":
            return True
        if fam == el.ADLCP and local == "completionThreshold" and element.attrib:
            return True
        if fam == el.ADLSEQ and local == "objectives":
            return True
    return False
