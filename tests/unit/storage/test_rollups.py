"""The aggregation rollup (lrs/storage/rollups.py, docs/adr/008-aggregation-rollups.md) answers exactly what
the read-time count answers (ADR 007, itself checked against a plain computation in
tests/api/test_analytics_aggregations.py), on SQLite and PostgreSQL, whatever happened after the slots were
counted: statements imported into counted slots, voiding of counted statements, a StatementRef whose target
arrives later (its filter rows are inherited then: xAPI-Communication 2.1.3.s3), erasure, and voided
statements never counted (xAPI-Data 2.3.2)."""
from __future__ import annotations

import time
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from lrs.services.aggregations import RollupService
from lrs.services.container import build_services
from lrs.services.imports import ImportService
from lrs.settings import Settings
from lrs.storage.aggregations import AggregationStorage
from lrs.storage.rollups import SLOT_MS, RollupStorage, full_slots
from lrs.storage.statement_export import ExportFilter
from lrs.xapi.filter_terms import Role, activity_term
from lrs.xapi.timestamps import format_ms
from tests.conftest import SERVER_SECRET
from tests.factories import issue_credential

VERBS = [f"http://adlnet.gov/expapi/verbs/{name}" for name in ("completed", "passed", "experienced")]
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COURSE = "https://example.com/rollup/course"
ACTIVITIES = [f"https://example.com/rollup/activity/{number}" for number in range(3)]
ACTORS = [{"mbox": f"mailto:rollup-{number}@example.com"} for number in range(3)]
DAY_MS = 24 * 3600 * 1000

statement_spec = st.fixed_dictionaries({
    "actor": st.integers(0, 2), "verb": st.integers(0, 2), "activity": st.integers(0, 2),
    "in_course": st.booleans(), "minutes": st.integers(0, 2 * 24 * 60)})
# After the first count: more statements into counted slots, voiding, a StatementRef to a statement that
# arrives later, an erasure.
change = st.one_of(
    st.tuples(st.just("import"), statement_spec),
    st.tuples(st.just("void"), st.integers(0, 40), st.integers(0, 2 * 24 * 60)),
    st.tuples(st.just("ref_then_target"), statement_spec, statement_spec),
    st.tuples(st.just("erase"), st.integers(0, 2)))


class World:
    def __init__(self, database_url: str):
        self.services = build_services(Settings(database_url=database_url, secret_key=SERVER_SECRET))
        self.store_id = issue_credential(self.services, f"rollup-{uuid.uuid4().hex[:8]}").store_id
        self.engines = self.services.engines
        self.imports = ImportService.on(self.engines)
        self.base_ms = (int(time.time() * 1000) - 10 * DAY_MS) // DAY_MS * DAY_MS
        self.ids: list[str] = []
        self.serial = 0

    def statement(self, spec: dict, *, statement_id: str | None = None, obj: dict | None = None) -> dict:
        self.serial += 1
        stored = format_ms(self.base_ms + spec["minutes"] * 60_000 + self.serial)
        statement = {"id": statement_id or str(uuid.uuid4()), "actor": ACTORS[spec["actor"]],
                     "verb": {"id": VERBS[spec["verb"]]},
                     "object": obj or {"objectType": "Activity", "id": ACTIVITIES[spec["activity"]]},
                     "timestamp": stored, "stored": stored, "version": "1.0.0",
                     "authority": {"objectType": "Agent", "mbox": "mailto:lrs@example.com"}}
        if spec["in_course"]:
            statement["context"] = {"contextActivities": {"parent": [{"id": COURSE}]}}
        return statement

    def store(self, *statements: dict) -> None:
        import orjson
        self.imports.import_lines(self.store_id, [orjson.dumps(statement) for statement in statements])
        self.ids += [statement["id"] for statement in statements]

    def apply(self, step) -> None:
        kind = step[0]
        if kind == "import":
            self.store(self.statement(step[1]))
        elif kind == "void" and self.ids:
            target = self.ids[step[1] % len(self.ids)]
            self.store(self.statement({"actor": 0, "verb": 0, "activity": 0, "in_course": False, "minutes": step[2]},
                                      obj={"objectType": "StatementRef", "id": target}) | {"verb": {"id": VOIDED}})
        elif kind == "ref_then_target":
            target_id = str(uuid.uuid4())
            self.store(self.statement(step[1], obj={"objectType": "StatementRef", "id": target_id}))
            self.catch_up()  # the referrer's slot is counted before its target brings it more rows
            self.store(self.statement(step[2], statement_id=target_id))
        elif kind == "erase":
            self.services.administration.erase_agent("test", self.store_id, ACTORS[step[1]], dry_run=False)

    def catch_up(self) -> None:
        assert RollupService.on(self.engines).catch_up(int(time.time() * 1000), store_ids=[self.store_id]) is not None

    def questions(self):
        for value, role in ((COURSE, Role.RELATED_ACTIVITY), (ACTIVITIES[0], Role.ACTIVITY),
                            (ACTIVITIES[1], Role.RELATED_ACTIVITY)):
            for since, until in ((None, None), (self.base_ms + 3_600_000 + 17, self.base_ms + DAY_MS + 600_000 - 1),
                                 (self.base_ms - 1, self.base_ms + 2 * DAY_MS)):
                selection = ExportFilter(terms=((activity_term(value), role),), since_ms=since, until_ms=until)
                for group in (None, Role.VERB):
                    for slotted in (False, True):
                        yield selection, group, slotted

    def disagreements(self) -> list:
        storage = AggregationStorage(self.engines)
        wrong = []
        for selection, group, slotted in self.questions():
            answered = storage.counts(self.store_id, selection, role=group, slotted=slotted, learners=False)
            expected = storage._counts_at_read_time(self.store_id, selection, role=group, slotted=slotted,
                                                    learners=False)
            if _normal(answered) != _normal(expected):
                wrong.append((selection, group, slotted, _normal(answered), _normal(expected)))
        return wrong

    def close(self) -> None:
        self.services.close()


def _normal(rows) -> list:
    return sorted(tuple(int(value) if not isinstance(value, str) else value for value in row)
                  for row in rows if not (len(row) > 1 and int(row[-1]) == 0))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(first=st.lists(statement_spec, min_size=1, max_size=25), changes=st.lists(change, max_size=8),
       count_again=st.booleans())
def test_the_rollup_answers_as_the_read_time_count_whatever_changed_after_counting(database_url, first, changes,
                                                                                    count_again):
    world = World(database_url)
    try:
        world.store(*(world.statement(spec) for spec in first))
        world.catch_up()
        # Counted up to the live slots: the questions below are answered from the rollup where it can.
        coverage = RollupStorage(world.engines).coverage(world.store_id, None, None)
        assert coverage.watermark >= (world.base_ms + 3 * DAY_MS) // SLOT_MS
        assert world.disagreements() == []
        for step in changes:
            world.apply(step)
        assert world.disagreements() == []  # dirty slots answered at read time
        if count_again:
            world.catch_up()
            assert world.disagreements() == []
            dirty = world.engines.rows("SELECT count(*) FROM aggregation_dirty WHERE store_id = ?",
                                       (world.store_id,))[0][0]
            assert dirty == 0  # every closed slot is counted again
    finally:
        world.close()


def test_the_counted_slots_are_read_from_the_rollup_and_the_live_ones_at_read_time(database_url):
    """A positive control: an answer over counted slots changes when their counts are changed by hand, and
    a statement stored now (a live slot, never counted) is in the answer all the same."""
    world = World(database_url)
    try:
        spec = {"actor": 0, "verb": 0, "activity": 0, "in_course": True, "minutes": 30}
        world.store(world.statement(spec), world.statement(spec | {"minutes": 31}))
        world.catch_up()
        selection = ExportFilter(terms=((activity_term(COURSE), Role.RELATED_ACTIVITY),))
        storage = AggregationStorage(world.engines)
        assert storage.counts(world.store_id, selection, role=None, slotted=False, learners=False) == [(2,)]
        with world.engines.write.begin() as connection:
            connection.execute(text("UPDATE aggregation_counts SET n = n + 40 WHERE store_id = :store"),
                               {"store": world.store_id})
        assert storage.counts(world.store_id, selection, role=None, slotted=False, learners=False) == [(42,)]
        now = format_ms(int(time.time() * 1000))  # stored now: a live slot, past the watermark
        world.store(world.statement(spec) | {"stored": now, "timestamp": now})
        assert storage.counts(world.store_id, selection, role=None, slotted=False, learners=False) == [(43,)]
    finally:
        world.close()


def test_a_voiding_of_a_counted_statement_marks_its_slot_and_the_answer_leaves_it_out(database_url):
    world = World(database_url)
    try:
        spec = {"actor": 1, "verb": 1, "activity": 2, "in_course": True, "minutes": 90}
        target = world.statement(spec)
        world.store(target, world.statement(spec | {"minutes": 91}))
        world.catch_up()
        world.apply(("void", 0, 600))
        # The target's slot, and the slot the voiding statement was imported into (an old `stored`).
        slots = {(world.base_ms + 90 * 60_000) // SLOT_MS, (world.base_ms + 600 * 60_000) // SLOT_MS}
        assert {row[0] for row in world.engines.rows("SELECT slot FROM aggregation_dirty WHERE store_id = ?",
                                                     (world.store_id,))} == slots
        selection = ExportFilter(terms=((activity_term(COURSE), Role.RELATED_ACTIVITY),))
        storage = AggregationStorage(world.engines)
        # The voided statement is out; the voiding statement matches the course through its target's rows,
        # as a StatementRef does (xAPI-Communication 2.1.3.s3), under its own verb. Verbs as terms ("V" + IRI).
        expected = [("V" + VERBS[1], 1), ("V" + VOIDED, 1)]
        assert sorted(storage.counts(world.store_id, selection, role=Role.VERB, slotted=False,
                                     learners=False)) == expected
        world.catch_up()
        assert sorted(storage.counts(world.store_id, selection, role=Role.VERB, slotted=False,
                                     learners=False)) == expected
        assert world.engines.rows("SELECT count(*) FROM aggregation_dirty WHERE store_id = ?",
                                  (world.store_id,))[0][0] == 0
    finally:
        world.close()


def test_full_slots_are_the_quarter_hours_wholly_inside_since_and_until():
    # stored_ms in (since, until]: since is exclusive, until inclusive (xAPI-Communication 2.1.3).
    assert full_slots(None, None) == (None, None)
    assert full_slots(SLOT_MS - 1, 3 * SLOT_MS - 1) == (1, 3)
    assert full_slots(SLOT_MS, 3 * SLOT_MS - 2) == (2, 2)
    assert full_slots(-1, 0) == (0, 0)


def test_a_few_steps_a_tick_reach_every_store_in_turn(database_url):
    """The scheduled job takes a few steps a minute (analytics/rollup.py): stores take turns, the furthest
    behind first, so the fifth store of a deployment is not left uncounted behind the first four."""
    worlds = [World(database_url) for _ in range(6)]
    try:
        for world in worlds:
            world.store(world.statement({"actor": 0, "verb": 0, "activity": 0, "in_course": True, "minutes": 5}))
        service, storage = RollupService.on(worlds[0].engines), RollupStorage(worlds[0].engines)
        ids = [world.store_id for world in worlds]
        now = int(time.time() * 1000)
        for _ in range(2):
            assert service.catch_up(now, store_ids=ids, max_steps=4) == 4
        # After two ticks of four steps, each of the six stores has been counted from its start.
        assert all(storage.coverage(store_id, None, None).watermark is not None for store_id in ids)
    finally:
        for world in worlds:
            world.close()
