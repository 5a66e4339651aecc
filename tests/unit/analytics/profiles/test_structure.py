"""Reading profiles: the published ones load; a malformed one is refused naming the requirement it breaks
(xAPI Profiles Part Two), and JSON-LD processing never touches the network."""
from __future__ import annotations

import pytest

from analytics.profiles import jsonld
from analytics.profiles.structure import ProfileInvalid, read_profile
from tests.unit.analytics.profiles.builders import EVENT, PLACE, VERSION, body, changed, published, sports


@pytest.mark.parametrize("name, version, templates, patterns", [
    ("cmi5-v1.0", "https://w3id.org/xapi/cmi5/v1.0", 10, 19),
    ("scorm-v1.0", "https://w3id.org/xapi/scorm/v1.0", 10, 5),
    ("video-v1.0.3", "https://w3id.org/xapi/video/v1.0.3", 9, 3),
    ("adl-v1.0", "https://w3id.org/xapi/adl/v1.0", 0, 0),
])
def test_the_published_profiles_load(name, version, templates, patterns):
    # issue 14: the published cmi5, SCORM and video profiles load (ADL's vocabulary too)
    profile, _document = published(name)
    assert (profile.version_id, len(profile.templates), len(profile.patterns)) == (version, templates, patterns)


def test_deviations_of_the_published_profiles_are_warnings_not_refusals():
    # Part Two §4.0 (empty arrays) in scorm-v1.0 and §8.0 (template definition) in cmi5-v1.0
    scorm, _ = published("scorm-v1.0")
    cmi5, _ = published("cmi5-v1.0")
    assert sum("empty array" in warning for warning in scorm.warnings) == 8
    assert sum("no 'definition'" in warning for warning in cmi5.warnings) == 10
    video, _ = published("video-v1.0.3")
    assert video.warnings == ()


def test_extension_schemas_are_compiled_from_inline_schemas():
    # Part Two §7.2 inlineSchema: every video extension carries one
    video, _ = published("video-v1.0.3")
    assert all(extension.validator is not None for extension in video.extensions.values())
    assert video.extensions["https://w3id.org/xapi/video/extensions/volume"].validator.is_valid(0.5)
    assert not video.extensions["https://w3id.org/xapi/video/extensions/volume"].validator.is_valid("loud")


def _context(document, value):
    document["@context"] = value


def _drop(name):
    return lambda document: document.pop(name)


def _set(path, value):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _add_pattern(pattern):
    return lambda document: document["patterns"].append({"type": "Pattern", "inScheme": VERSION, **pattern})


START = "https://example.org/profiles/sports/templates/start"
PLACING = "https://example.org/profiles/sports/templates/placing"


@pytest.mark.parametrize("change, section, path", [
    (lambda d: _context(d, "https://example.org/other-context"), "§10.0", "@context"),
    (lambda d: _context(d, {"@vocab": "https://example.org/"}), "§6.0", "@context"),
    (_set(["prefLabel", "en"], ""), "§4.0", "prefLabel.en"),
    (_set(["concepts", 0, "broader"], []), "§4.0", "concepts[0].broader"),
    (_set(["definition"], None), "§4.0", "definition"),
    (_set(["nickname"], "not an IRI"), "§4.0", ""),
    (_set(["type"], "Vocabulary"), "§6.0", "type"),
    (_drop("conformsTo"), "§6.0", "conformsTo"),
    (_drop("author"), "§6.0", "author"),
    (_set(["author", "type"], "Group"), "§6.2", "author.type"),
    (_set(["versions", 1, "id"], VERSION), "§6.1", "versions[1].id"),
    (_set(["versions", 0, "generatedAtTime"], "yesterday"), "§6.1", "versions[0].generatedAtTime"),
    (_set(["versions", 0, "wasRevisionOf"], ["https://example.org/profiles/sports/v0"]), "§6.1", "versions"),
    (_set(["concepts", 0, "type"], "Noun"), "§7.0", "concepts[0].type"),
    (_set(["concepts", 0, "inScheme"], "https://example.org/profiles/sports/v9"), "§7.1", "concepts[0].inScheme"),
    (lambda d: d["concepts"][0].pop("prefLabel"), "§7.1", "concepts[0].prefLabel"),
    (_set(["concepts", 2, "schema"], "https://example.org/schema.json"), "§7.2", "concepts[2]"),
    (_set(["concepts", 2, "inlineSchema"], "{not json"), "§7.2", "concepts[2].inlineSchema"),
    (_set(["concepts", 2, "inlineSchema"], '{"type": "no-such-type"}'), "§7.2", "concepts[2].inlineSchema"),
    (_set(["concepts", 2, "recommendedActivityTypes"], [EVENT]), "§7.2", "concepts[2].recommendedActivityTypes"),
    (lambda d: d["concepts"].append({**d["concepts"][0]}), "§7.1", "concepts[3].id"),
    (_set(["templates", 1, "objectStatementRefTemplate"], [START]), "§8.0", "templates[1]"),
    (_set(["templates", 0, "contextStatementRefTemplate"], ["https://example.org/elsewhere"]), "§8.0",
     "templates[0].contextStatementRefTemplate[0]"),
    (_set(["templates", 1, "rules", 0], {"location": "$.result"}), "§8.1", "templates[1].rules[0]"),
    (_set(["templates", 1, "rules", 0], {"location": "$.result[?(@.success)]", "presence": "included"}), "§8.1",
     "templates[1].rules[0].location"),
    (_set(["templates", 1, "rules", 0], {"location": "$.result", "presence": "sometimes"}), "§8.1",
     "templates[1].rules[0].presence"),
    (_set(["templates", 1, "rules", 0], {"location": "$.result", "selector": "$..[", "presence": "included"}),
     "§8.1", "templates[1].rules[0].selector"),
    (_set(["patterns", 0, "alternates"], [START, PLACING]), "§9.0", "patterns[0]"),
    (_add_pattern({"id": "https://example.org/p/alt", "alternates": [START]}), "§9.0", "patterns[1].alternates"),
    (_add_pattern({"id": "https://example.org/p/seq", "sequence": [START]}), "§9.0", "patterns[1].sequence"),
    (_add_pattern({"id": "https://example.org/p/missing", "optional": "https://example.org/nothing"}), "§9.0",
     "patterns[1].optional"),
    (lambda d: (_add_pattern({"id": "https://example.org/p/opt", "optional": START})(d),
                _add_pattern({"id": "https://example.org/p/alt",
                              "alternates": ["https://example.org/p/opt", START]})(d)),
     "§9.0", "patterns[2].alternates[0]"),
    (lambda d: (_add_pattern({"id": "https://example.org/p/a", "oneOrMore": "https://example.org/p/b"})(d),
                _add_pattern({"id": "https://example.org/p/b", "sequence": [START, "https://example.org/p/a"]})(d)),
     "§9.0", "patterns["),
    (_set(["patterns", 0, "primary"], "yes"), "§9.0", "patterns[0].primary"),
    (lambda d: d["patterns"][0].pop("definition"), "§9.0", "patterns[0].definition"),
])
def test_a_malformed_profile_is_refused_naming_the_requirement(change, section, path):
    # xAPI Profiles Part Two: each case breaks the requirement of `section`
    with pytest.raises(ProfileInvalid) as refused:
        read_profile(changed(change))
    error = refused.value
    assert error.status == 400
    assert error.section == f"xAPI Profiles Part Two {section}", error.message
    assert error.path.startswith(path), (error.path, error.message)


def test_a_remote_context_is_refused_without_being_fetched(monkeypatch):
    # issue 14: any other remote context is refused with a clear error, never fetched (Part Two §10.0)
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("a connection was attempted")
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    document = sports()
    document["@context"] = ["https://w3id.org/xapi/profiles/context", "https://attacker.example/ctx.jsonld"]
    with pytest.raises(ProfileInvalid) as refused:
        read_profile(body(document))
    assert "https://attacker.example/ctx.jsonld" in refused.value.message
    assert "not fetched" in refused.value.message


def test_a_scoped_remote_context_inside_an_activity_definition_is_refused_too():
    # Part Two §7.4 activityDefinition @context: only the shipped activity context is served
    document = sports()
    document["concepts"].append({"id": "https://example.org/activities/100m", "type": "Activity",
                                 "inScheme": VERSION, "activityDefinition": {
                                     "@context": ["https://w3id.org/xapi/profiles/activity-context",
                                                  "http://127.0.0.1:9/ctx"],
                                     "name": {"en": "100 m"}}})
    with pytest.raises(ProfileInvalid) as refused:
        read_profile(body(document))
    assert "http://127.0.0.1:9/ctx" in refused.value.message


def test_an_activity_concept_with_the_activity_context_loads():
    # Part Two §7.4: activityDefinition with @context https://w3id.org/xapi/profiles/activity-context
    document = sports()
    document["concepts"].append({"id": "https://example.org/activities/100m", "type": "Activity",
                                 "inScheme": VERSION, "activityDefinition": {
                                     "@context": "https://w3id.org/xapi/profiles/activity-context",
                                     "type": EVENT, "name": {"en": "100 m"}}})
    profile, _ = read_profile(body(document))
    assert profile.concepts["https://example.org/activities/100m"] == "Activity"


def test_a_deeply_nested_document_is_refused_before_json_ld_processing():
    # hostile input: pyld recurses per level; the depth is checked iteratively first
    document = sports()
    nested: dict = {"x": 1}
    for _ in range(200):
        nested = {"https://example.org/p": nested}
    document["https://example.org/deep"] = nested
    with pytest.raises(Exception) as refused:
        read_profile(body(document))
    assert getattr(refused.value, "status", None) == 400


def test_expand_and_compact_use_the_shipped_context():
    # Part Two §2.0: consistent with JSON-LD expansion and compaction against the normative context
    _profile, document = published("video-v1.0.3")
    expanded, dropped = jsonld.expand(document)
    assert dropped == []
    assert expanded[0]["@type"] == ["https://w3id.org/xapi/profiles/ontology#Profile"]
    compacted = jsonld.compact(expanded)
    assert compacted["@context"] == jsonld.PROFILE_CONTEXT
    assert compacted["type"] == "Profile" and compacted["id"] == "https://w3id.org/xapi/video"


def test_the_place_extension_of_the_example_is_kept_with_its_schema():
    profile, _ = read_profile(body(sports()))
    assert profile.extensions[PLACE].validator.is_valid({"rank": 2})
    assert not profile.extensions[PLACE].validator.is_valid({"medal": "gold"})
