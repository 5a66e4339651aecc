"""GET /api/v1/aggregations/...: counts, time series, learners and completion, with GET /statements' filters."""
from __future__ import annotations

from flask import g, request
from flask.views import MethodView

from analytics.aggregate import grouped_counts, parse_grouping, rate, series_range, time_series
from analytics.api.common import FILTERS, analytics_blueprint, analytics_services, no_sniffing
from analytics.buckets import BUCKETS, zone_names
from lrs.api.openapi import query_parameter
from lrs.api.responses import json_response
from lrs.services.aggregations import GROUPS
from lrs.services.exports import parse_filters
from lrs.xapi.errors import BadRequest
from lrs.xapi.ignored_parameters import without_ignored

blueprint = analytics_blueprint("aggregations", __name__, "Counts over a store's statements, with GET /statements' "
                                                          "filters (docs/analytics.md, docs/adr/007-aggregations.md)")
SECTION = "docs/analytics.md: aggregations"
TZ = query_parameter("tz", "IANA time zone of the time buckets", {"type": "string", "default": "UTC",
                                                                  "enum": zone_names(), "example": "Europe/Berlin"})
MEASURE = query_parameter("measure", "statements: how many statements; learners: how many distinct agents",
                          {"type": "string", "enum": ["statements", "learners"], "default": "statements"})
GROUPINGS = [*GROUPS, *BUCKETS, *(f"{bucket},{term}" for bucket in BUCKETS for term in GROUPS),
             *(f"{term},{bucket}" for term in GROUPS for bucket in BUCKETS)]
GROUP_BY = query_parameter(
    "group_by", "One of verb, activity, actor, registration and/or one time bucket (hour, day, week, month), "
                "comma-separated", {"type": "string", "enum": GROUPINGS, "example": "week,verb"}, required=True)
BUCKET = query_parameter("bucket", "The time bucket", {"type": "string", "enum": list(BUCKETS)}, required=True)


def _json(example: dict, description: str) -> dict:
    return {"application/json": {"schema": {"type": "object", "description": description}, "example": example}}


def _filters(*own: str):
    """The statement filters of the request, and its own parameters (popped)."""
    parameters = without_ignored(request.args.to_dict())
    mine = {name: parameters.pop(name, None) for name in own}
    return parse_filters(parameters, default_ascending=True, allow_limit=False), mine


def _store_id() -> int:
    return analytics_services().aggregations.authorize(g.principal)


@blueprint.route("/aggregations/counts")
class Counts(MethodView):
    @blueprint.query(GROUP_BY, MEASURE, TZ, *FILTERS)
    @blueprint.answers(200, "Counts per group", content=_json({
        "group_by": ["week", "verb"], "measure": "statements", "tz": "Europe/Berlin",
        "groups": [{"week": "2026-11-02T00:00:00+01:00", "verb": "http://adlnet.gov/expapi/verbs/completed",
                    "count": 412},
                   {"week": "2026-11-02T00:00:00+01:00", "verb": "http://adlnet.gov/expapi/verbs/passed",
                    "count": 377}]},
        "groups: one object per group with its keys and count; actor keys are Agents"))
    def get(self):
        """Statements (or distinct learners) grouped by verb, activity, actor or registration and/or by
        hour, day, week or month of `stored` in a time zone."""
        store_id = _store_id()
        filters, own = _filters("group_by", "measure", "tz")
        if not own["group_by"]:
            raise BadRequest(f"'group_by' is required: {', '.join((*GROUPS, *BUCKETS))}", path="group_by",
                             section=SECTION)
        grouping = parse_grouping(own["group_by"], own["measure"], own["tz"])
        rows = analytics_services().aggregations.counts(store_id, filters, group=grouping.term,
                                                        slotted=grouping.bucket is not None,
                                                        learners=grouping.measure == "learners")
        keys = [name for name in (grouping.bucket, grouping.term) if name]
        return no_sniffing(json_response({"group_by": keys, "measure": grouping.measure, "tz": grouping.zone_name,
                                          "groups": grouped_counts(rows, grouping)}))


@blueprint.route("/aggregations/timeseries")
class TimeSeries(MethodView):
    @blueprint.query(BUCKET, MEASURE, TZ, *FILTERS)
    @blueprint.answers(200, "One point per bucket, zero where nothing was stored", content=_json({
        "bucket": "day", "measure": "statements", "tz": "UTC",
        "series": [{"start": "2026-11-01T00:00:00+00:00", "count": 120},
                   {"start": "2026-11-02T00:00:00+00:00", "count": 0}]},
        "series: every bucket from since (or the first match) to until (or the last match)"))
    def get(self):
        """Statements (or distinct learners) per time bucket, every bucket present."""
        store_id = _store_id()
        filters, own = _filters("bucket", "measure", "tz")
        grouping = parse_grouping(own["bucket"], own["measure"], own["tz"], require_bucket=True)
        if grouping.term:
            raise BadRequest("a time series has one time bucket; use /aggregations/counts to group further",
                             path="bucket", section=SECTION)
        service = analytics_services().aggregations
        rows = service.counts(store_id, filters, group=None, slotted=True, learners=grouping.measure == "learners")
        found = service.stored_range(store_id, filters)
        series = time_series(rows, grouping, *series_range(filters.selection.since_ms, filters.selection.until_ms,
                                                           found, grouping))
        return no_sniffing(json_response({"bucket": grouping.bucket, "measure": grouping.measure,
                                          "tz": grouping.zone_name, "series": series}))


@blueprint.route("/aggregations/learners")
class Learners(MethodView):
    @blueprint.query(*FILTERS)
    @blueprint.answers(200, "How many statements match, and how many distinct learners they name", content=_json(
        {"statements": 5210, "learners": 318}, "statements and learners (distinct agents) matching the filters"))
    def get(self):
        """Distinct learners (agents, as the agent filter finds them) among the matching statements."""
        store_id = _store_id()
        filters, _ = _filters()
        service = analytics_services().aggregations
        statements = service.counts(store_id, filters, group=None, slotted=False, learners=False)
        learners = service.counts(store_id, filters, group=None, slotted=False, learners=True)
        return no_sniffing(json_response({"statements": statements[0][0], "learners": learners[0][0]}))


@blueprint.route("/aggregations/completion")
class Completion(MethodView):
    @blueprint.query(*FILTERS)
    @blueprint.answers(200, "Per activity: learners, completions and passes", content=_json({"activities": [
        {"activity": "https://example.com/course/1", "learners": 40, "completed": 31, "passed": 27, "failed": 6,
         "completion_rate": 0.775, "pass_rate": 0.818182}]},
        "completion_rate = completed / learners; pass_rate = passed / (learners who passed or failed): a learner "
        "with both counts in each"))
    def get(self):
        """Completion and pass rates per activity (the statement's Object): learners with a statement about it,
        and those of them with a completed, passed or failed statement (ADL verbs)."""
        store_id = _store_id()
        filters, _ = _filters()
        outcomes = analytics_services().aggregations.activity_outcomes(store_id, filters)
        activities = sorted(({"activity": outcome.activity, "learners": outcome.learners,
                              "completed": outcome.completed, "passed": outcome.passed, "failed": outcome.failed,
                              "completion_rate": rate(outcome.completed, outcome.learners),
                              "pass_rate": rate(outcome.passed, outcome.passed_or_failed)}
                             for outcome in outcomes), key=lambda item: (-item["learners"], item["activity"]))
        return no_sniffing(json_response({"activities": activities}))
