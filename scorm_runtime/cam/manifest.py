"""The typed model of a parsed manifest: what the CAM defines, before it becomes a ParsedCourse."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PackageFile:
    href: str                 # as written in <file href>
    url: str                  # with xml:base applied
    path: str | None          # the package member it names; None for an http(s) URL


@dataclass
class Resource:
    identifier: str
    type: str | None
    scorm_type: str | None    # "sco" | "asset" as declared (adlcp:scormType / adlcp:scormtype), None when absent
    href: str | None          # as written
    url: str | None           # href with xml:base applied (query and fragment kept)
    path: str | None          # the launch file in the package; None for no href or an http(s) URL
    xml_base: str | None
    files: list[PackageFile] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    manifest: str = ""        # identifier of the (sub-)manifest that declares it


@dataclass
class CompletionThreshold:
    completed_by_measure: bool
    min_progress_measure: float
    progress_weight: float

    def to_json(self) -> dict:
        return {"completedByMeasure": self.completed_by_measure, "minProgressMeasure": self.min_progress_measure,
                "progressWeight": self.progress_weight}


@dataclass
class SharedDataMap:          # <adlcp:map> (4th Edition adl.data)
    target_id: str
    read_shared_data: bool
    write_shared_data: bool

    def to_json(self) -> dict:
        return {"targetID": self.target_id, "readSharedData": self.read_shared_data,
                "writeSharedData": self.write_shared_data}


@dataclass
class Item:
    identifier: str
    title: str
    is_visible: bool
    parameters: str | None
    identifierref: str | None
    resource: Resource | None = None
    children: list[Item] = field(default_factory=list)
    # SCORM 1.2 adlcp extensions
    mastery_score: float | None = None
    max_time_allowed: str | None = None
    prerequisites: dict | None = None          # {"type": "aicc_script", "script": TEXT}
    # both versions (1.2 adlcp:datafromlms / timelimitaction; 2004 adlcp:dataFromLMS / timeLimitAction)
    data_from_lms: str | None = None
    time_limit_action: str | None = None
    # SCORM 2004 adlcp / imsss / adlnav
    completion_threshold: CompletionThreshold | None = None
    data: list[SharedDataMap] = field(default_factory=list)
    hide_lms_ui: list[str] = field(default_factory=list)
    sequencing: dict | None = None             # resolved (sequencing.py shape), None when the item has none
    sub_manifest: str | None = None            # identifier of the sub-manifest grafted below this item


@dataclass
class Organization:
    identifier: str
    title: str
    structure: str
    objectives_global_to_system: bool
    shared_data_global_to_system: bool
    items: list[Item] = field(default_factory=list)
    sequencing: dict | None = None
    completion_threshold: CompletionThreshold | None = None


@dataclass
class Manifest:
    identifier: str | None
    standard: str             # "scorm12" | "scorm2004"
    edition: str | None
    schemaversion: str | None
    organization: Organization                 # the default organization: the course
    organization_ids: list[str]
    resources: dict[str, Resource]             # every resource of the manifest and its sub-manifests
    sub_manifests: list[str] = field(default_factory=list)
