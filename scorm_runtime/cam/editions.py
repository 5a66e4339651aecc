"""SCORM version and 2004 edition of a manifest, from <schemaversion> and the namespaces it uses.

schemaversion (CAM 3.4.1.4) names the version: "1.2"; "CAM 1.3" (2004 2nd Edition); "2004 3rd Edition";
"2004 4th Edition". Without it, the SCORM 2004 namespaces (IMS CP 1.1.4, adlcp_v1p3, imsss, adlseq, adlnav)
still make it 2004, with the edition known only when 4th Edition elements appear."""
from __future__ import annotations

from . import elements as el

SCORM12, SCORM2004 = "scorm12", "scorm2004"

_2004_NAMESPACE_MARKERS = ("imscp_v1p1", "adlcp_v1p3", "adlseq_v1p3", "adlnav_v1p3", "imsss")


def schemaversion(root) -> str | None:
    metadata = el.child(root, el.CP, "metadata")
    if metadata is None:
        return None
    return el.text(el.child(metadata, el.CP, "schemaversion"))


def detect(root) -> tuple[str, str | None]:
    """(standard, edition): ("scorm12", None) or ("scorm2004", "2nd" | "3rd" | "4th" | None)."""
    declared = " ".join((schemaversion(root) or "").lower().split())
    if "2004" in declared or "1.3" in declared:
        return SCORM2004, _declared_edition(declared) or _feature_edition(root)
    if "1.2" in declared:
        return SCORM12, None
    namespaces = {ns for ns in root.nsmap.values() if ns} | {_namespace(root.tag)}
    if any(marker in ns for ns in namespaces for marker in _2004_NAMESPACE_MARKERS):
        return SCORM2004, _feature_edition(root)
    for element in root.iter():
        if el.split(element.tag)[0] in (el.IMSSS, el.ADLSEQ, el.ADLNAV):
            return SCORM2004, _feature_edition(root)
    return SCORM12, None


def _declared_edition(declared: str) -> str | None:
    # "2004 4th Edition", "2004 3rd Edition", "CAM 1.3" (the 2nd Edition's own name) and tool variants of them
    for edition in ("4th", "3rd", "2nd"):
        if edition in declared:
            return edition
    return "2nd" if "1.3" in declared else None


def _namespace(tag) -> str:
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _feature_edition(root) -> str | None:
    """4th when elements that exist only from the 4th Edition appear (adlcp:data, an attribute-form
    adlcp:completionThreshold, adlseq:objectives); otherwise unknown."""
    for element in root.iter():
        fam, local = el.split(element.tag)
        if (fam == el.ADLCP and local == "data") or (fam == el.ADLSEQ and local == "objectives") or (
                fam == el.ADLCP and local == "completionThreshold" and element.attrib):
            return "4th"
    return None
