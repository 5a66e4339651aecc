"""<organization> and its <item> tree: titles, visibility, parameters, resources or grafted sub-manifests, the
adlcp item extensions of SCORM 1.2 and 2004, adlnav presentation and the resolved imsss sequencing."""
from __future__ import annotations

from . import elements as el
from . import rules
from .editions import SCORM2004
from .limits import CamLimits
from .manifest import CompletionThreshold, Item, Organization, Resource, SharedDataMap
from .sequencing import SequencingReader, resolve

TIME_LIMIT_ACTIONS = ("exit,message", "exit,no message", "continue,message", "continue,no message")
HIDE_LMS_UI = ("abandon", "continue", "exit", "previous", "suspendAll", "exitAll", "abandonAll")


class ItemReader:
    def __init__(self, *, standard: str, values: el.ValueReader, limits: CamLimits,
                 resources: dict[str, Resource], sub_manifests: dict, collection: dict[str, dict]):
        self.standard = standard
        self.values = values
        self.limits = limits
        self.resources = resources
        self.sub_manifests = sub_manifests  # identifier -> <manifest> element nested in the document
        self.collection = collection
        self.sequencing = SequencingReader(values)
        self.item_ids: set[str] = set()
        self.grafting: set[str] = set()     # sub-manifests being grafted (a reference cycle is refused)

    def organization(self, element) -> Organization:
        identifier = (element.get("identifier") or "").strip()
        title = el.title(element) or identifier
        organization = Organization(
            identifier=identifier, title=title, structure=element.get("structure") or "hierarchical",
            objectives_global_to_system=self.values.boolean(
                el.attribute(element, "objectivesGlobalToSystem", fam=el.ADLSEQ), True,
                "organization@adlseq:objectivesGlobalToSystem", rules.ORGANIZATION),
            shared_data_global_to_system=self.values.boolean(
                el.attribute(element, "sharedDataGlobalToSystem", fam=el.ADLCP), True,
                "organization@adlcp:sharedDataGlobalToSystem", rules.ORGANIZATION),
            sequencing=self._sequencing(element),
            completion_threshold=self._completion_threshold(element))
        organization.items = self._items(element, depth=1)
        if not organization.items:
            self.values.refuse(f"organization {identifier[:200]!r} has no <item>; a content organization needs "
                               "at least one", rules.ITEM)
        return organization

    def _items(self, parent, depth: int) -> list[Item]:
        if depth > self.limits.max_item_depth:
            self.values.refuse(f"items are nested more than {self.limits.max_item_depth} levels deep",
                               rules.ITEM)
        return [self._item(element, depth) for element in el.children(parent, el.CP, "item")]

    def _item(self, element, depth: int) -> Item:
        identifier = (element.get("identifier") or "").strip()
        if not identifier:
            self.values.refuse("an <item> has no identifier", rules.ITEM)
        if identifier in self.item_ids:
            self.values.refuse(f"item identifier {identifier[:200]!r} is used twice; identifiers are unique "
                               "within the manifest", rules.ITEM)
        self.item_ids.add(identifier)
        if len(self.item_ids) > self.limits.max_items:
            self.values.refuse(f"the organization has more than {self.limits.max_items} items", rules.ITEM)
        reference = (element.get("identifierref") or "").strip() or None
        # One pass over the item's children: title, extensions, sequencing and child items.
        title = sequencing = None
        extensions, presentations, child_items = [], [], []
        for child in element:
            fam, local = el.split(child.tag)
            if fam == el.CP and local == "item":
                child_items.append(child)
            elif fam == el.CP and local == "title" and title is None:
                title = " ".join((el.text(child) or "").split())
            elif fam == el.ADLCP:
                extensions.append(child)
            elif fam == el.ADLNAV and local == "presentation":
                presentations.append(child)
            elif fam == el.IMSSS and local == "sequencing" and sequencing is None:
                sequencing = child
        item = Item(
            identifier=identifier,
            title=title or identifier,
            is_visible=self.values.boolean(element.get("isvisible"), True, f"item {identifier[:200]!r} isvisible",
                                           rules.ITEM),
            parameters=element.get("parameters"),
            identifierref=reference)
        self._adlcp(extensions, presentations, item)
        item.sequencing = None if sequencing is None else self._resolved(sequencing)
        if depth + 1 > self.limits.max_item_depth and child_items:
            self.values.refuse(f"items are nested more than {self.limits.max_item_depth} levels deep", rules.ITEM)
        item.children = [self._item(child, depth + 1) for child in child_items]
        if reference is not None:
            self._reference(item, reference, depth)
        if self.standard == SCORM2004:
            if item.resource is not None and item.children:
                self.values.refuse(f"item {identifier[:200]!r} has child items and references a resource; only "
                                   "leaf items reference resources", rules.ITEM)
            if item.resource is None and not item.children:
                self.values.refuse(f"leaf item {identifier[:200]!r} references no resource", rules.ITEM)
        return item

    def _reference(self, item: Item, reference: str, depth: int) -> None:
        resource = self.resources.get(reference)
        if resource is not None:
            if resource.url is None:
                self.values.refuse(
                    f"resource {reference[:200]!r} (scormType {resource.scorm_type or 'unset'}), launched by item "
                    f"{item.identifier[:200]!r}, has no href: a launched resource needs its entry point",
                    rules.RESOURCE)
            item.resource = resource
            return
        sub_manifest = self.sub_manifests.get(reference)
        if sub_manifest is None:
            self.values.refuse(f"item {item.identifier[:200]!r} references {reference[:200]!r}, which is no "
                               "resource and no sub-manifest", rules.ITEM)
        if reference in self.grafting:
            self.values.refuse(f"sub-manifest {reference[:200]!r} is referenced from inside itself", rules.ITEM)
        organization = default_organization(sub_manifest, self.values)
        if organization is None:
            self.values.refuse(f"item {item.identifier[:200]!r} references sub-manifest {reference[:200]!r}, "
                               "which has no organization", rules.ITEM)
        self.grafting.add(reference)
        # The sub-manifest's default organization takes the item's place in the tree (IMS CP aggregation).
        item.children.extend(self._items(organization, depth + 1))
        self.grafting.discard(reference)
        item.sub_manifest = reference

    def _adlcp(self, extensions: list, presentations: list, item: Item) -> None:
        values = self.values
        name = item.identifier[:200]
        for extension in extensions:
            local = el.split(extension.tag)[1].lower()
            value = el.text(extension)
            if local == "masteryscore":
                item.mastery_score = values.decimal(value, None, f"item {name!r} adlcp:masteryscore", rules.ITEM,
                                                    0.0, 100.0)
            elif local == "maxtimeallowed":
                item.max_time_allowed = value or None
            elif local == "datafromlms":
                item.data_from_lms = value
            elif local == "timelimitaction":
                item.time_limit_action = values.token(value, None, TIME_LIMIT_ACTIONS,
                                                      f"item {name!r} adlcp:timeLimitAction",
                                                      rules.TIME_LIMIT_ACTION)
            elif local == "prerequisites":
                item.prerequisites = {"type": el.attribute(extension, "type") or "aicc_script",
                                      "script": value or ""}
            elif local == "completionthreshold":
                item.completion_threshold = self._threshold(extension)
            elif local == "data":
                item.data = self._data(extension, name)
        for presentation in presentations:
            for interface in el.children(presentation, el.ADLNAV, "navigationInterface"):
                for hide in el.children(interface, el.ADLNAV, "hideLMSUI"):
                    item.hide_lms_ui.append(values.token(el.text(hide), None, HIDE_LMS_UI,
                                                         f"item {name!r} adlnav:hideLMSUI", rules.ITEM))

    def _completion_threshold(self, element) -> CompletionThreshold | None:
        extension = el.child(element, el.ADLCP, "completionThreshold")
        return None if extension is None else self._threshold(extension)

    def _threshold(self, extension) -> CompletionThreshold:
        """The 4th Edition attribute form, or the 3rd Edition decimal text (a threshold that is used)."""
        values = self.values
        text = el.text(extension)
        if text:
            threshold = values.decimal(text, None, "adlcp:completionThreshold", rules.COMPLETION_THRESHOLD, 0.0, 1.0)
            return CompletionThreshold(completed_by_measure=True, min_progress_measure=threshold,
                                       progress_weight=1.0)
        return CompletionThreshold(
            completed_by_measure=values.boolean(el.attribute(extension, "completedByMeasure"), False,
                                                "adlcp:completionThreshold@completedByMeasure",
                                                rules.COMPLETION_THRESHOLD),
            min_progress_measure=values.decimal(el.attribute(extension, "minProgressMeasure"), 1.0,
                                                "adlcp:completionThreshold@minProgressMeasure",
                                                rules.COMPLETION_THRESHOLD, 0.0, 1.0),
            progress_weight=values.decimal(el.attribute(extension, "progressWeight"), 1.0,
                                           "adlcp:completionThreshold@progressWeight", rules.COMPLETION_THRESHOLD,
                                           0.0, 1.0))

    def _data(self, extension, name: str) -> list[SharedDataMap]:
        maps = []
        for entry in el.children(extension, el.ADLCP, "map"):
            target = (el.attribute(entry, "targetID") or "").strip()
            if not target:
                self.values.refuse(f"an adlcp:map of item {name!r} has no targetID", rules.MAP)
            maps.append(SharedDataMap(
                target_id=target,
                read_shared_data=self.values.boolean(el.attribute(entry, "readSharedData"), True,
                                                     "adlcp:map@readSharedData", rules.MAP),
                write_shared_data=self.values.boolean(el.attribute(entry, "writeSharedData"), True,
                                                      "adlcp:map@writeSharedData", rules.MAP)))
        return maps

    def _sequencing(self, element) -> dict | None:
        sequencing = el.child(element, el.IMSSS, "sequencing")
        return None if sequencing is None else self._resolved(sequencing)

    def _resolved(self, sequencing) -> dict:
        id_ref = (el.attribute(sequencing, "IDRef") or "").strip() or None
        return resolve(self.sequencing.read(sequencing), id_ref, self.collection, self.values)


def default_organization(manifest, values: el.ValueReader):
    """The <organization> element named by organizations@default, else the first; None when there is none."""
    organizations = el.child(manifest, el.CP, "organizations")
    if organizations is None:
        return None
    candidates = list(el.children(organizations, el.CP, "organization"))
    for candidate in candidates:
        if not (candidate.get("identifier") or "").strip():
            values.refuse("an <organization> has no identifier attribute", rules.ORGANIZATION)
    if not candidates:
        return None
    default = (organizations.get("default") or "").strip()
    if not default:
        return candidates[0]
    for candidate in candidates:
        if candidate.get("identifier").strip() == default:
            return candidate
    values.refuse(f"organizations@default {default[:200]!r} names no <organization> of the manifest",
                  rules.ORGANIZATIONS)
