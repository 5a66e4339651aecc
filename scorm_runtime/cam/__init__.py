"""SCORM content packaging (CAM): imsmanifest.xml of SCORM 1.2 and 2004 (2nd, 3rd, 4th Edition) -> ParsedCourse.

    parse_package(files, *, manifest_only=False, limits=None) -> ParsedCourse   (raises InvalidPackage)

`course.py` documents the `structure` and `runtime` shapes, `sequencing.py` the sequencing shape (and
`default_sequencing()` for activities whose manifest has none), `rules.py` the CAM sections a package is
refused under, `limits.py` the bounds (CamLimits) meant to come from settings."""
from __future__ import annotations

from delivery.course import ParsedCourse
from delivery.package import InvalidPackage, PackageFiles

from . import rules
from .course import build_course
from .limits import DEFAULT_LIMITS, CamLimits
from .reader import read_manifest
from .sequencing import default_sequencing
from .validation import check_files
from .xml_safety import parse_xml

MANIFEST_NAME = "imsmanifest.xml"

__all__ = ["CamLimits", "MANIFEST_NAME", "default_sequencing", "parse_package"]


def parse_package(files: PackageFiles, *, manifest_only: bool = False,
                  limits: CamLimits | None = None) -> ParsedCourse:
    """Parse a package's manifest; with manifest_only the launch and listed files are not looked for."""
    limits = limits or DEFAULT_LIMITS
    names = files.names
    manifest_file = _manifest_name(names, manifest_only)
    with files.open(manifest_file) as stream:
        data = stream.read(limits.max_manifest_bytes + 1)  # never more than the limit (and a byte) in memory
    root = parse_xml(data, manifest_file, limits)
    manifest = read_manifest(root, manifest_file, limits)
    if not manifest_only:
        check_files(manifest, names, manifest_file)
    return build_course(manifest)


def _manifest_name(names: frozenset[str], manifest_only: bool) -> str:
    if MANIFEST_NAME in names:
        return MANIFEST_NAME
    if manifest_only and len(names) == 1:
        return next(iter(names))  # a bare manifest file, whatever it was called
    nested = sorted(name for name in names if name.rsplit("/", 1)[-1].lower() == MANIFEST_NAME)
    found = f"; found {nested[0]!r}, which is not at the root" if nested else ""
    raise InvalidPackage(f"the package has no {MANIFEST_NAME} at its root{found}", rule=rules.PACKAGE,
                         file=MANIFEST_NAME)
