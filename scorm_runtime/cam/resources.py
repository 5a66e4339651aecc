"""<resources> of a manifest and its sub-manifests: identifiers, scormType, launch href and files with xml:base."""
from __future__ import annotations

from . import elements as el
from . import hrefs, rules
from .manifest import PackageFile, Resource

SCORM_TYPES = ("sco", "asset")


def read_resources(manifest, bases: list[str], values: el.ValueReader, into: dict[str, Resource]) -> None:
    """Adds the resources of one <manifest> (not its sub-manifests) to `into`, keyed by identifier."""
    manifest_id = manifest.get("identifier") or ""
    scope = bases + [el.xml_base(manifest) or ""]
    for resources in el.children(manifest, el.CP, "resources"):
        resources_scope = scope + [el.xml_base(resources) or ""]
        for resource in el.children(resources, el.CP, "resource"):
            identifier = (resource.get("identifier") or "").strip()
            if not identifier:
                values.refuse("a <resource> has no identifier", rules.RESOURCE)
            if identifier in into:
                values.refuse(f"resource identifier {identifier[:200]!r} is used twice; identifiers are unique "
                              "within the manifest", rules.RESOURCE)
            into[identifier] = _read_resource(resource, identifier, resources_scope, manifest_id, values)


def _read_resource(resource, identifier: str, scope: list[str], manifest_id: str,
                   values: el.ValueReader) -> Resource:
    declared_type = el.attribute(resource, "scormType", fam=el.ADLCP)
    scorm_type = None
    if declared_type is not None:
        scorm_type = declared_type.strip().lower()
        if scorm_type not in SCORM_TYPES:
            values.refuse(f"resource {identifier[:200]!r} has adlcp:scormType {declared_type[:100]!r}; it must be "
                          "sco or asset", rules.RESOURCE)
    base = el.xml_base(resource)
    resource_scope = scope + [base or ""]
    href = resource.get("href")
    url = path = None
    if href is not None and href.strip():
        url = hrefs.apply_bases(resource_scope, href)
        path = _member(url, values, f"resource {identifier[:200]!r} href", rules.RESOURCE)
    files = []
    for file in el.children(resource, el.CP, "file"):
        file_href = file.get("href")
        if file_href is None or not file_href.strip():
            values.refuse(f"a <file> of resource {identifier[:200]!r} has no href", rules.FILE)
        file_url = hrefs.apply_bases(resource_scope, file_href)
        files.append(PackageFile(href=file_href, url=file_url,
                                 path=_member(file_url, values, f"a <file> of resource {identifier[:200]!r}",
                                              rules.FILE)))
    dependencies = []
    for dependency in el.children(resource, el.CP, "dependency"):
        reference = (dependency.get("identifierref") or "").strip()
        if not reference:
            values.refuse(f"a <dependency> of resource {identifier[:200]!r} has no identifierref", rules.DEPENDENCY)
        dependencies.append(reference)
    return Resource(identifier=identifier, type=resource.get("type"), scorm_type=scorm_type,
                    href=href if url is not None else None, url=url, path=path, xml_base=base, files=files,
                    dependencies=dependencies, manifest=manifest_id)


def _member(url: str, values: el.ValueReader, what: str, rule: str) -> str | None:
    if hrefs.is_external(url):
        return None
    try:
        return hrefs.package_path(url)
    except hrefs.BadHref as error:
        values.refuse(f"{what}: {error}", rule)
