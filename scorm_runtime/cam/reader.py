"""The whole manifest document -> Manifest: resources of every (sub-)manifest, the sequencing collection, and
the default organization with its item tree."""
from __future__ import annotations

from . import elements as el
from . import rules
from .editions import detect, schemaversion
from .items import ItemReader, default_organization
from .limits import CamLimits
from .manifest import Manifest, Resource
from .resources import read_resources
from .sequencing import SequencingReader
from .validation import launchable_items


def read_manifest(root, file: str, limits: CamLimits) -> Manifest:
    values = el.ValueReader(file)
    family, local = el.split(root.tag)
    if family != el.CP or local != "manifest":
        values.refuse(f"the root element of {file} is <{local or root.tag}>, not <manifest>", rules.MANIFEST)
    standard, edition = detect(root)
    # Refuse a breadth attack before any item is built (the item reader checks again as it goes).
    item_count = 0
    for _ in root.iter("{*}item", "item"):
        item_count += 1
        if item_count > limits.max_items:
            values.refuse(f"{file} has more than {limits.max_items} items", rules.ITEM)

    resources: dict[str, Resource] = {}
    sub_manifests: dict = {}
    collection: dict[str, dict] = {}
    sequencing_reader = SequencingReader(values)
    # Sub-manifests nest; walk them with an explicit stack so a deep nesting costs no recursion.
    stack = [(root, [])]
    while stack:
        manifest, bases = stack.pop()
        read_resources(manifest, bases, values, resources)
        for entries in el.children(manifest, el.IMSSS, "sequencingCollection"):
            for entry in el.children(entries, el.IMSSS, "sequencing"):
                entry_id = (el.attribute(entry, "ID") or "").strip()
                if not entry_id:
                    values.refuse("a <sequencing> of the imsss:sequencingCollection has no ID", rules.SEQUENCING)
                if entry_id in collection:
                    values.refuse(f"sequencingCollection ID {entry_id[:200]!r} is used twice", rules.SEQUENCING)
                collection[entry_id] = sequencing_reader.read(entry)
        for nested in el.children(manifest, el.CP, "manifest"):
            nested_id = (nested.get("identifier") or "").strip()
            if not nested_id:
                values.refuse("a sub-manifest has no identifier", rules.MANIFEST)
            if nested_id in sub_manifests:
                values.refuse(f"sub-manifest identifier {nested_id[:200]!r} is used twice", rules.MANIFEST)
            sub_manifests[nested_id] = nested
            stack.append((nested, bases + [el.xml_base(manifest) or ""]))

    for reference in (dependency for resource in resources.values() for dependency in resource.dependencies):
        if reference not in resources:
            values.refuse(f"a <dependency> names {reference[:200]!r}, which is no resource of the manifest",
                          rules.DEPENDENCY)

    organizations = el.child(root, el.CP, "organizations")
    if organizations is None:
        values.refuse(f"{file} has no <organizations> element", rules.ORGANIZATIONS)
    organization_element = default_organization(root, values)
    if organization_element is None:
        values.refuse(f"{file} has no <organization>: there is no course to deliver (a resource package "
                      "cannot be imported as a course)", rules.ORGANIZATIONS)
    items = ItemReader(standard=standard, values=values, limits=limits, resources=resources,
                       sub_manifests=sub_manifests, collection=collection)
    organization = items.organization(organization_element)
    if not launchable_items(organization.items):
        values.refuse(f"organization {organization.identifier[:200]!r} has no item that references a resource: "
                      "there is nothing to launch", rules.ITEM)
    return Manifest(
        identifier=root.get("identifier"), standard=standard, edition=edition, schemaversion=schemaversion(root),
        organization=organization,
        organization_ids=[o.get("identifier").strip() for o in el.children(organizations, el.CP, "organization")],
        resources=resources, sub_manifests=list(sub_manifests))
