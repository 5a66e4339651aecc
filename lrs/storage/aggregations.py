"""Aggregations answered from the write-time index (docs/adr/007-aggregations.md).

Every statement already has one statement_index row per (term, role) it matches: its verb, its Object
activity, its agents, its registration. Counting grouped by one of those is a join of the matching
statements (the same filters as a statements query) to their index rows of that role, by seq. Rows a
statement holds only through a StatementRef (inherited_index) make it *match* a filter, as
GET /statements does, but never count as its own verb, activity, agent or registration.

Nothing is written on ingest for this: the cost is paid by the query, proportional to the statements
the filters select. Statement counts for one activity, by verb and/or time, come from the rollup's counted
slots instead where it has them (lrs/storage/rollups.py, docs/adr/008-aggregation-rollups.md); the slots it
lacks (the ends of the range, the ones not counted yet, the dirty ones) are counted here, and the two added.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from lrs.storage.engines import Engines
from lrs.storage.rollups import COUNTED_ROLES, MAX_DIRTY_IN_QUESTION, OWN_ROW, SLOT_MS, RollupStorage, full_slots
from lrs.storage.statement_export import ExportFilter, matching_statements_sql
from lrs.xapi.filter_terms import Role
_TERM_ID = "(SELECT id FROM terms WHERE value = ?)"


@dataclass(frozen=True)
class ActivityOutcomeRow:
    activity: str
    learners: int
    completed: int
    passed: int
    failed: int
    passed_or_failed: int


def _own_rows(alias: str, role: Role) -> str:
    """A join to a statement's own index rows of one role."""
    return (f" JOIN statement_index {alias} ON {alias}.seq = d.seq AND {alias}.role = {int(role)}"
            f" AND {OWN_ROW.format(row=alias)}")


class AggregationStorage:
    def __init__(self, engines: Engines):
        self._engines = engines
        self._rollups = RollupStorage(engines)

    def _matching(self, store_id: int, selection: ExportFilter) -> tuple[str, list]:
        sql, parameters, source = matching_statements_sql(
            store_id, selection, f"s.seq AS seq, {_stored_column(selection)} AS stored_ms")
        return sql, parameters

    def counts(self, store_id: int, selection: ExportFilter, *, role: Role | None, slotted: bool,
               learners: bool) -> list[tuple]:
        """Rows of (slot if `slotted`, term value if `role`, count): statements, or distinct learners
        (agents in the agent filter's sense) when `learners`. A slot is SLOT_MS wide (stored_ms // SLOT_MS).
        With both `slotted` and `learners` the rows are (slot, [term value], learner term id), distinct,
        since learners of different slots cannot be added up."""
        if (not learners and role in (None, Role.VERB) and not selection.include_voided
                and len(selection.terms) == 1 and selection.terms[0][1] in COUNTED_ROLES):
            answered = self._counts_with_rollup(store_id, selection, by_verb=role is not None, slotted=slotted)
            if answered is not None:
                return answered
        return self._counts_at_read_time(store_id, selection, role=role, slotted=slotted, learners=learners)

    def _counts_with_rollup(self, store_id: int, selection: ExportFilter, *, by_verb: bool,
                            slotted: bool) -> list[tuple] | None:
        """Statement counts of one activity: the rollup's counted slots inside the range, the rest at read
        time; None when the rollup holds nothing to use (the caller counts everything at read time)."""
        first, end = full_slots(selection.since_ms, selection.until_ms)
        coverage = self._rollups.coverage(store_id, first, end)
        if coverage.watermark is None:
            return None
        covered_end = coverage.watermark if end is None else min(end, coverage.watermark)
        dirty = frozenset(slot for slot in coverage.dirty if slot < covered_end)
        if (first is not None and covered_end <= first) or len(dirty) > MAX_DIRTY_IN_QUESTION:
            return None
        term, term_role = selection.terms[0]
        rows = self._rollups.counts(store_id, term, term_role, first, covered_end, skip=dirty, by_slot=slotted,
                                    by_verb=by_verb)
        rest = []  # stored_ms in (since, until] of each piece the rollup did not answer
        if first is not None and first * SLOT_MS - 1 > selection.since_ms:
            rest.append(replace(selection, until_ms=first * SLOT_MS - 1))
        if selection.until_ms is None or selection.until_ms > covered_end * SLOT_MS - 1:
            rest.append(replace(selection, since_ms=covered_end * SLOT_MS - 1))
        rest += [replace(selection, since_ms=slot * SLOT_MS - 1, until_ms=(slot + 1) * SLOT_MS - 1)
                 for slot in sorted(dirty)]
        role = Role.VERB if by_verb else None
        for piece in rest:
            rows += self._counts_at_read_time(store_id, piece, role=role, slotted=slotted, learners=False)
        summed: dict[tuple, int] = {}
        for *key, count in rows:
            summed[tuple(key)] = summed.get(tuple(key), 0) + int(count)
        if not slotted and not by_verb:  # one total, as the read-time count gives it
            return [(summed.get((), 0),)]
        return [(*key, count) for key, count in summed.items() if count]

    def _counts_at_read_time(self, store_id: int, selection: ExportFilter, *, role: Role | None, slotted: bool,
                             learners: bool) -> list[tuple]:
        matching, parameters = self._matching(store_id, selection)
        keys = []
        if slotted:
            keys.append(f"d.stored_ms / {SLOT_MS}")
        joins = ""
        if role is not None:
            joins += _own_rows("g", role)
            keys.append("g.term_id")
        if learners:
            joins += _own_rows("a", Role.AGENT)
        names = [f"k{number}" for number in range(len(keys))]
        selected = ", ".join(f"{key} AS {name}" for key, name in zip(keys, names))
        if learners and slotted:
            inner = f"SELECT DISTINCT {selected}, a.term_id AS n FROM ({matching}) d{joins}"
        else:
            measure = "count(DISTINCT a.term_id)" if learners else "count(*)"
            inner = (f"SELECT {selected + ', ' if keys else ''}{measure} AS n FROM ({matching}) d{joins}"
                     + (f" GROUP BY {', '.join(keys)}" if keys else ""))
        if role is None:
            return self._engines.rows(inner, parameters)
        outer = ", ".join("t.value" if name == "k" + str(len(keys) - 1) else f"c.{name}" for name in names)
        return self._engines.rows(f"SELECT {outer}, c.n FROM ({inner}) c JOIN terms t ON t.id = c.{names[-1]}",
                                  parameters)

    def activity_outcomes(self, store_id: int, selection: ExportFilter, *, completed: tuple[str, ...],
                          passed: tuple[str, ...], failed: tuple[str, ...]) -> list[ActivityOutcomeRow]:
        """Per Object activity: its learners, and how many of them have a statement with a verb of each
        kind (verb term values)."""
        matching, parameters = self._matching(store_id, selection)

        def any_verb(values: tuple[str, ...]) -> tuple[str, list]:
            if not values:
                return "0", []
            condition = " OR ".join(f"v.term_id = {_TERM_ID}" for _ in values)
            return f"max(CASE WHEN {condition} THEN 1 ELSE 0 END)", list(values)

        flags, flag_parameters = [], []
        for values in (completed, passed, failed):
            expression, values_parameters = any_verb(values)
            flags.append(expression)
            flag_parameters += values_parameters
        per_learner = (f"SELECT o.term_id AS activity, a.term_id AS agent, {flags[0]} AS done, {flags[1]} AS pass, "
                       f"{flags[2]} AS fail FROM ({matching}) d{_own_rows('o', Role.ACTIVITY)}"
                       f"{_own_rows('a', Role.AGENT)}{_own_rows('v', Role.VERB)} GROUP BY o.term_id, a.term_id")
        sql = (f"SELECT t.value, x.learners, x.done, x.pass, x.fail, x.judged FROM (SELECT activity, "
               "count(*) AS learners, sum(done) AS done, sum(pass) AS pass, sum(fail) AS fail, "
               f"sum(CASE WHEN pass + fail > 0 THEN 1 ELSE 0 END) AS judged FROM ({per_learner}) p "
               "GROUP BY activity) x JOIN terms t ON t.id = x.activity")
        # The flags' parameters come first: they precede the matching statements' in the SQL text.
        rows = self._engines.rows(sql, flag_parameters + parameters)
        return [ActivityOutcomeRow(value, *(int(number) for number in numbers)) for value, *numbers in rows]

    def stored_range(self, store_id: int, selection: ExportFilter) -> tuple[int, int] | None:
        """The first and last stored_ms of the matching statements, None when none match."""
        matching, parameters = self._matching(store_id, selection)
        row = self._engines.rows(f"SELECT min(d.stored_ms), max(d.stored_ms) FROM ({matching}) d", parameters)[0]
        return None if row[0] is None else (int(row[0]), int(row[1]))


def _stored_column(selection: ExportFilter) -> str:
    """The driving rows' stored_ms: the index row's with term filters (it is in the index), else the statement's."""
    return "i.stored_ms" if selection.terms else "s.stored_ms"
