"""The package-level CAM rule a manifest alone cannot settle: every launch file and every listed <file> is in the
package (launch-api.md, SCORM specifics). Skipped for a bare manifest (`lrs courses inspect imsmanifest.xml`)."""
from __future__ import annotations

from collections.abc import Iterable

from delivery.package import InvalidPackage

from . import rules
from .manifest import Item, Manifest

_LISTED = 5  # missing files named in the message; the rest are counted


def launchable_items(items: Iterable[Item]) -> list[Item]:
    """Items whose resource has an href, hidden ones included, depth-first (parent before children)."""
    result: list[Item] = []
    stack = list(reversed(list(items)))
    while stack:
        item = stack.pop()
        if item.resource is not None and item.resource.url is not None:
            result.append(item)
        stack.extend(reversed(item.children))
    return result


def check_files(manifest: Manifest, names: frozenset[str], manifest_file: str) -> None:
    missing_launch = []
    for item in launchable_items(manifest.organization.items):
        path = item.resource.path
        if path is not None and path not in names and path not in missing_launch:
            missing_launch.append(path)
    if missing_launch:
        raise InvalidPackage(
            f"launch file{'s' if len(missing_launch) > 1 else ''} missing from the package: "
            f"{_listing(missing_launch)} (named by resource href in {manifest_file})",
            rule=rules.RESOURCE, file=missing_launch[0])
    missing_files = []
    seen = set()
    for resource in manifest.resources.values():
        for file in resource.files:
            if file.path is not None and file.path not in names and file.path not in seen:
                seen.add(file.path)
                missing_files.append(file.path)
    if missing_files:
        raise InvalidPackage(
            f"file{'s' if len(missing_files) > 1 else ''} listed in {manifest_file} missing from the package: "
            f"{_listing(missing_files)}", rule=rules.FILE, file=missing_files[0])


def _listing(paths: list[str]) -> str:
    shown = ", ".join(paths[:_LISTED])
    return shown + (f" and {len(paths) - _LISTED} more" if len(paths) > _LISTED else "")
