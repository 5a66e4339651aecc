"""Manifest -> ParsedCourse: the launchables, the `structure` tree and the `runtime` data the SCORM runtime and
the sequencing engine read back at launch (launch-api.md, Courses and SCORM specifics).

`structure` (GET /courses/{id}, `lrs courses inspect`) is the default organization:
    {"identifier", "title", "structure", "objectivesGlobalToSystem", "sharedDataGlobalToSystem",
     "sequencing": SEQUENCING | null, "completionThreshold": THRESHOLD | null,
     "items": [{"identifier", "title", "isVisible", "launchable": INDEX | null, "parameters",
                "resource": {"identifier", "scormType", "href"} | null, "subManifest": ID | null,
                "sequencing": SEQUENCING | null, "completionThreshold": THRESHOLD | null, "hideLMSUI": [...],
                "items": [...]}]}
SEQUENCING is the shape in sequencing.py; THRESHOLD is {"completedByMeasure", "minProgressMeasure",
"progressWeight"}.

`runtime`:
    {"format": 1, "standard", "edition", "manifestIdentifier", "schemaversion",
     "organization": the `structure` tree again (the activity tree the sequencing engine walks),
     "launchables": [{"id", "index", "title", "isVisible", "resourceIdentifier", "scormType", "href", "path",
                      "parameters", "launchUrl", "masteryScore", "maxTimeAllowed", "timeLimitAction",
                      "dataFromLMS", "prerequisites", "completionThreshold", "objectives", "data", "hideLMSUI",
                      "sequencing"}]}
"""
from __future__ import annotations

from delivery.course import Launchable, ParsedCourse

from . import hrefs
from .editions import SCORM2004
from .manifest import Item, Manifest, Organization
from .validation import launchable_items

RUNTIME_FORMAT = 1


def build_course(manifest: Manifest) -> ParsedCourse:
    organization = manifest.organization
    launchables = launchable_items(organization.items)
    index_of = {item.identifier: index for index, item in enumerate(launchables)}
    structure = _organization_json(organization, index_of)
    runtime = {
        "format": RUNTIME_FORMAT,
        "standard": manifest.standard, "edition": manifest.edition,
        "manifestIdentifier": manifest.identifier, "schemaversion": manifest.schemaversion,
        "organization": structure,
        "launchables": [_launchable_runtime(item, index, manifest.standard) for index, item in
                        enumerate(launchables)],
    }
    return ParsedCourse(
        standard=manifest.standard, edition=manifest.edition, title=organization.title,
        launchables=tuple(Launchable(id=item.identifier, index=index, title=item.title, launch_method=None)
                          for index, item in enumerate(launchables)),
        structure=structure, runtime=runtime)


def _organization_json(organization: Organization, index_of: dict[str, int]) -> dict:
    return {
        "identifier": organization.identifier, "title": organization.title, "structure": organization.structure,
        "objectivesGlobalToSystem": organization.objectives_global_to_system,
        "sharedDataGlobalToSystem": organization.shared_data_global_to_system,
        "sequencing": organization.sequencing,
        "completionThreshold": _threshold(organization.completion_threshold),
        "items": _items_json(organization.items, index_of),
    }


def _items_json(items: list[Item], index_of: dict[str, int]) -> list[dict]:
    return [_item_json(item, index_of) for item in items]


def _item_json(item: Item, index_of: dict[str, int]) -> dict:
    resource = item.resource
    return {
        "identifier": item.identifier, "title": item.title, "isVisible": item.is_visible,
        "launchable": index_of.get(item.identifier), "parameters": item.parameters,
        "resource": None if resource is None else {
            "identifier": resource.identifier, "scormType": _scorm_type(item), "href": resource.url},
        "subManifest": item.sub_manifest,
        "sequencing": item.sequencing, "completionThreshold": _threshold(item.completion_threshold),
        "hideLMSUI": list(item.hide_lms_ui),
        "items": _items_json(item.children, index_of),
    }


def _launchable_runtime(item: Item, index: int, standard: str) -> dict:
    resource = item.resource
    sequencing = item.sequencing
    max_time = item.max_time_allowed
    if standard == SCORM2004:
        # 2004 cmi.max_time_allowed comes from imsss:limitConditions attemptAbsoluteDurationLimit.
        max_time = (sequencing or {}).get("limitConditions", {}).get("attemptAbsoluteDurationLimit")
    return {
        "id": item.identifier, "index": index, "title": item.title, "isVisible": item.is_visible,
        "resourceIdentifier": resource.identifier, "scormType": _scorm_type(item),
        "href": resource.url, "path": resource.path, "parameters": item.parameters,
        "launchUrl": hrefs.launch_url(resource.url, item.parameters),
        "masteryScore": item.mastery_score, "maxTimeAllowed": max_time,
        "timeLimitAction": item.time_limit_action, "dataFromLMS": item.data_from_lms,
        "prerequisites": item.prerequisites,
        "completionThreshold": _threshold(item.completion_threshold),
        "objectives": [{"id": objective["objectiveID"], "primary": objective["primary"],
                        "satisfiedByMeasure": objective["satisfiedByMeasure"],
                        "minNormalizedMeasure": objective["minNormalizedMeasure"],
                        "mapInfo": objective["mapInfo"], "adlseqMapInfo": objective["adlseqMapInfo"]}
                       for objective in (sequencing or {}).get("objectives", [])],
        "data": [entry.to_json() for entry in item.data],
        "hideLMSUI": list(item.hide_lms_ui),
        "sequencing": sequencing,
    }


def _scorm_type(item: Item) -> str:
    # A resource that declares no scormType is launched as a SCO: it may call the API, and an asset would be
    # marked completed on launch without it.
    return item.resource.scorm_type or "sco"


def _threshold(threshold) -> dict | None:
    return None if threshold is None else threshold.to_json()
