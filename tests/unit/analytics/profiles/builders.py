"""Small well-formed profile documents for tests, and the published profiles in ../shared/fixtures/profiles."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import orjson

from analytics.profiles.structure import read_profile

PUBLISHED = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures" / "profiles"
PROFILE_ID = "https://example.org/profiles/sports"
VERSION = "https://example.org/profiles/sports/v2"
PLACED = "https://example.org/profiles/sports/verbs/placed"
EVENT = "https://example.org/profiles/sports/activitytypes/event"
PLACE = "https://example.org/profiles/sports/extensions/place"


def published(name: str):
    """(profile, document) of a published profile: cmi5-v1.0, scorm-v1.0, video-v1.0.3, adl-v1.0."""
    return read_profile((PUBLISHED / f"{name}.jsonld").read_bytes())


def sports() -> dict:
    """The competitive-events example of xAPI Profiles Part Two, made whole."""
    return {
        "@context": "https://w3id.org/xapi/profiles/context",
        "id": PROFILE_ID, "type": "Profile", "conformsTo": "https://w3id.org/xapi/profiles#1.0",
        "prefLabel": {"en": "Sports"}, "definition": {"en": "Competitive events."},
        "author": {"type": "Organization", "name": "Example"},
        "versions": [{"id": VERSION, "wasRevisionOf": ["https://example.org/profiles/sports/v1"],
                      "generatedAtTime": "2020-02-20T20:20:20Z"},
                     {"id": "https://example.org/profiles/sports/v1", "generatedAtTime": "2010-01-14T12:13:14Z"}],
        "concepts": [
            {"id": PLACED, "type": "Verb", "inScheme": VERSION, "prefLabel": {"en": "placed"},
             "definition": {"en": "Finished in a ranked order."}},
            {"id": EVENT, "type": "ActivityType", "inScheme": VERSION, "prefLabel": {"en": "event"},
             "definition": {"en": "An event."}},
            {"id": PLACE, "type": "ResultExtension", "inScheme": VERSION, "prefLabel": {"en": "placement"},
             "definition": {"en": "The place."},
             "inlineSchema": json.dumps({"type": "object", "required": ["rank"],
                                         "properties": {"rank": {"type": "number"}, "medal": {"type": "string"}}})},
        ],
        "templates": [
            {"id": "https://example.org/profiles/sports/templates/start", "type": "StatementTemplate",
             "inScheme": VERSION, "prefLabel": {"en": "Start"}, "definition": {"en": "Starts an event."},
             "verb": "http://adlnet.gov/expapi/verbs/attempted", "objectActivityType": EVENT},
            {"id": "https://example.org/profiles/sports/templates/placing", "type": "StatementTemplate",
             "inScheme": VERSION, "prefLabel": {"en": "Placing"}, "definition": {"en": "Records a placing."},
             "verb": PLACED, "objectActivityType": EVENT, "contextGroupingActivityType": [EVENT],
             "rules": [{"location": f"$.result.extensions['{PLACE}']", "presence": "included"},
                       {"location": "$.result.success", "any": [True]}]},
        ],
        "patterns": [
            {"id": "https://example.org/profiles/sports/patterns/race", "type": "Pattern", "primary": True,
             "inScheme": VERSION, "prefLabel": {"en": "Race"}, "definition": {"en": "Start, then placing."},
             "sequence": ["https://example.org/profiles/sports/templates/start",
                          "https://example.org/profiles/sports/templates/placing"]},
        ],
    }


def body(document: dict) -> bytes:
    return orjson.dumps(document)


def changed(change) -> bytes:
    """The sports profile after `change(document)`, as bytes."""
    document = copy.deepcopy(sports())
    change(document)
    return body(document)


def place_statement(**overrides) -> dict:
    statement = {
        "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0",
        "actor": {"objectType": "Agent", "mbox": "mailto:runner@example.org"},
        "verb": {"id": PLACED},
        "object": {"objectType": "Activity", "id": "https://example.org/events/100m-2020",
                   "definition": {"type": EVENT}},
        "result": {"success": True, "extensions": {PLACE: {"rank": 1, "medal": "gold"}}},
        "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                    "contextActivities": {"grouping": [{"id": "https://example.org/events/100m",
                                                        "definition": {"type": EVENT}}],
                                          "category": [{"id": VERSION}]}},
        "timestamp": "2020-03-01T10:00:01.000Z",
    }
    statement.update(overrides)
    return statement
