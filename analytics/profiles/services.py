"""Use cases of xAPI Profiles in a store: import and list versions, choose the store's validation mode, the
ingest check (report or enforce), report queries and pattern checks over a registration.

Which statements a profile version applies to: those naming the version id as a category context activity
(xAPI Profiles Part Two §5.0), and those naming one of the category ids the store's admin added for that
version (cmi5 statements carry https://w3id.org/xapi/cmi5/context/categories/cmi5, not the profile version).

Report mode records synchronously, right after the batch is committed and in its request: the results are
there when the client's POST returns, and the statements are already validated in memory for the check.
A process that dies between the two commits loses that batch's report rows (not its statements).
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable

import orjson
from sqlalchemy.exc import SQLAlchemyError

from analytics.profiles import jsonld, jsonpath
from analytics.profiles.model import Profile
from analytics.profiles.patterns import follow
from analytics.profiles.storage import ProfileStorage, RecordedResult, StoredVersion, VersionConflict
from analytics.profiles.structure import read_profile
from analytics.profiles.templates import SUCCESS, Outcome, validate
from lrs.auth.principal import Principal
from lrs.xapi.errors import BadRequest, Conflict, NotFound, PayloadTooLarge
from lrs.xapi.scopes import ALL, READ_ALL_STATEMENTS, require
from lrs.xapi.timestamps import parse_timestamp_ms

log = logging.getLogger(__name__)

MODES = ("off", "report", "enforce")
SUBREGISTRATION = "https://w3id.org/xapi/profiles/extensions/subregistration"
_COMPILED_MAX = 256


@dataclass(frozen=True)
class ProfileSettings:
    """LRS_PROFILE_* environment variables (README, settings table)."""
    max_bytes: int = 2 * 1024 * 1024        # LRS_PROFILE_MAX_BYTES: the largest profile document imported
    pattern_max_statements: int = 10_000    # LRS_PROFILE_PATTERN_MAX_STATEMENTS: per registration pattern check
    recheck_seconds: float = 5.0            # LRS_PROFILE_RECHECK_SECONDS: how stale another process's view may be
    # LRS_PROFILE_MAX_RULE_STEPS: JSONPath locations the rules may visit per request (a statement batch, a
    # /validate, a registration's pattern check); past it the statements left are `invalid`, "not checked".
    max_rule_steps: int = 2_000_000

    @classmethod
    def from_env(cls) -> "ProfileSettings":
        defaults = cls()
        return cls(max_bytes=int(os.environ.get("LRS_PROFILE_MAX_BYTES", defaults.max_bytes)),
                   pattern_max_statements=int(os.environ.get("LRS_PROFILE_PATTERN_MAX_STATEMENTS",
                                                             defaults.pattern_max_statements)),
                   recheck_seconds=float(os.environ.get("LRS_PROFILE_RECHECK_SECONDS", defaults.recheck_seconds)),
                   max_rule_steps=int(os.environ.get("LRS_PROFILE_MAX_RULE_STEPS", defaults.max_rule_steps)))


@dataclass(frozen=True)
class ActiveVersion:
    version_id: str
    profile: Profile
    categories: frozenset[str]  # the version id and the admin's extra category ids


@dataclass(frozen=True)
class _StoreView:
    mode: str
    versions: tuple[ActiveVersion, ...]
    read_at: float


_OFF = _StoreView("off", (), 0.0)


def _now_ms() -> int:
    return int(time.time() * 1000)


def require_store_admin(principal: Principal) -> None:
    """Profiles and the validation mode are the store admin's: a credential with the scope `all`."""
    require(principal.scopes, frozenset({ALL}), "manage the store's xAPI Profiles (needs the scope all)")


class ProfileService:
    def __init__(self, storage: ProfileStorage, statements, settings: ProfileSettings | None = None):
        self._storage = storage
        self._statements = statements  # lrs.services.statements.StatementService
        self.settings = settings or ProfileSettings()
        self._views: dict[int, _StoreView] = {}
        # Every store whose mode is not off, read in one query at most every recheck_seconds: a store without
        # profiles costs its batches one dictionary lookup and no query.
        self._modes: dict[int, str] = {}
        self._modes_read_at = float("-inf")
        self._compiled: dict[str, Profile] = {}  # document digest -> profile
        self._lock = threading.Lock()

    # --- versions --------------------------------------------------------------------------------

    def import_profile(self, store_id: int, body: bytes) -> dict:
        if len(body) > self.settings.max_bytes:
            raise PayloadTooLarge(f"the profile is larger than {self.settings.max_bytes} bytes "
                                  "(LRS_PROFILE_MAX_BYTES)", path="")
        profile, _document = read_profile(body)
        digest = hashlib.sha256(body).hexdigest()
        try:
            stored, created = self._storage.add_version(
                store_id, profile_id=profile.id, version_id=profile.version_id, generated_at=profile.generated_at,
                document=body.decode("utf-8"), digest=digest, now_ms=_now_ms())
        except VersionConflict:
            raise Conflict(f"version {profile.version_id} is already imported with a different document; a new "
                           "version needs a new version id (xAPI Profiles Part Two §6.1)", path="versions",
                           section="xAPI Profiles Part Two §6.1") from None
        self._remember(digest, profile)
        self._forget(store_id)
        return {**self._summary(stored), "created": created, "warnings": list(profile.warnings),
                "templates": len(profile.templates), "patterns": len(profile.patterns),
                "concepts": len(profile.concepts)}

    def versions(self, store_id: int) -> list[dict]:
        return [self._summary(version) for version in self._storage.versions(store_id)]

    def document(self, store_id: int, version_id: str, form: str = "document") -> dict | list:
        stored = self._stored(store_id, version_id)
        document = orjson.loads(stored.document)
        if form == "expanded":
            return jsonld.expand(document)[0]
        if form == "compacted":
            return jsonld.compact(jsonld.expand(document)[0])
        return document

    def delete_version(self, store_id: int, version_id: str) -> None:
        if not self._storage.delete_version(store_id, version_id):
            raise NotFound(f"no profile version {version_id} in this store", path="version")
        self._forget(store_id)

    def set_categories(self, store_id: int, version_id: str, categories: list[str]) -> dict:
        if not self._storage.set_categories(store_id, version_id, sorted(set(categories))):
            raise NotFound(f"no profile version {version_id} in this store", path="version")
        self._forget(store_id)
        return self._summary(self._stored(store_id, version_id))

    def _stored(self, store_id: int, version_id: str) -> StoredVersion:
        stored = self._storage.version(store_id, version_id)
        if stored is None:
            raise NotFound(f"no profile version {version_id} in this store", path="version")
        return stored

    @staticmethod
    def _summary(version: StoredVersion) -> dict:
        return {"profile": version.profile_id, "version": version.version_id, "generatedAtTime": version.generated_at,
                "sha256": version.digest, "alsoForCategories": list(version.also_for_categories),
                "imported": version.imported_ms}

    # --- mode ------------------------------------------------------------------------------------

    def mode(self, store_id: int) -> str:
        return self._storage.mode(store_id)

    def set_mode(self, store_id: int, mode: str) -> str:
        if mode not in MODES:
            raise BadRequest(f"mode is one of {', '.join(MODES)}", path="mode")
        self._storage.set_mode(store_id, mode, _now_ms())
        self._forget(store_id)
        return mode

    # --- the ingest check (lrs.services.statements batch_checks) ------------------------------------

    def check_batch(self, store_id: int, statements: list[dict]) -> Callable[[], None] | None:
        """Enforce: a 400 naming statement, template and rule. Report (and enforce, for what it accepts): the
        results, recorded once the batch is committed by the callable returned. None when there is nothing to do."""
        view = self._view(store_id)
        if view.mode == "off" or not view.versions:
            return None
        # xAPI-Data 2.4.7: a statement sent without timestamp is stored with its `stored` time; judge it so.
        statements = [statement if "timestamp" in statement else {**statement, "timestamp": statement.get("stored")}
                      for statement in statements]
        batch = {statement.get("id"): statement for statement in statements}
        lookup = self._lookup(store_id, batch)
        results: list[RecordedResult] = []
        with jsonpath.budget(self.settings.max_rule_steps):
            for position, statement in enumerate(statements):
                for active in _applicable(statement, view.versions):
                    outcome = validate(statement, active.profile, lookup=lookup)
                    if view.mode == "enforce" and outcome.violations:
                        raise _refusal(position, len(statements), active, outcome)
                    results.append(_recorded(statement["id"], active.version_id, outcome))
        if not results:
            return None

        def record() -> None:
            try:
                self._storage.record(store_id, results, _now_ms())
            except SQLAlchemyError:  # the statements are committed; a lost report must not fail their request
                log.exception("profile report for %d statements of store %d not recorded", len(results), store_id)
        return record

    def validate_statement(self, store_id: int, statement: dict, version_id: str | None = None) -> list[dict]:
        """Validation without storing (xAPI Profiles Part Three §3.0 validate_templates): every applicable
        version, or the one named whether the statement names it or not."""
        versions = self._active_versions(store_id)
        if version_id is not None:
            chosen = [active for active in versions if active.version_id == version_id]
            if not chosen:
                raise NotFound(f"no profile version {version_id} in this store", path="version")
        else:
            chosen = list(_applicable(statement, versions))
        lookup = self._lookup(store_id, {})
        with jsonpath.budget(self.settings.max_rule_steps):
            return [{"version": active.version_id,
                     **_outcome_body(validate(statement, active.profile, lookup=lookup))} for active in chosen]

    def _lookup(self, store_id: int, batch: dict) -> Callable[[str], dict | None]:
        reader = Principal(credential_id=0, store_id=store_id, name="profile validation", key="",
                           scopes=READ_ALL_STATEMENTS)

        def lookup(statement_id: str) -> dict | None:
            if statement_id in batch:
                return batch[statement_id]
            try:
                request = self._statements.parse_request({"statementId": statement_id})
                return orjson.loads(self._statements.get_one(reader, request).body)
            except (NotFound, BadRequest):
                return None
        return lookup

    # --- reports ---------------------------------------------------------------------------------

    def results_of(self, store_id: int, statement_id: str) -> list[dict]:
        return [{"version": result.version_id, "outcome": result.outcome, "matched": result.matched,
                 "violations": result.violations} for result in self._storage.results_of(store_id, statement_id)]

    def violations(self, store_id: int, **filters) -> list[dict]:
        return self._storage.violations(store_id, **filters)

    def summary(self, store_id: int) -> dict:
        counts: dict[str, dict[str, int]] = {}
        for version_id, outcome, count in self._storage.outcome_counts(store_id):
            counts.setdefault(version_id, {})[outcome] = count
        return {"mode": self.mode(store_id), "outcomes": counts}

    # --- patterns --------------------------------------------------------------------------------

    def follow_registration(self, principal: Principal, registration: str, version_id: str) -> dict:
        """xAPI Profiles Part Three §2.2 `follows` for the statements of one registration (and subregistration)
        naming the version: in timestamp order, ties in stored order; where each sequence left the pattern."""
        require(principal.scopes, READ_ALL_STATEMENTS, "read the registration's statements")
        active = next((item for item in self._active_versions(principal.store_id) if item.version_id == version_id),
                      None)
        if active is None:
            raise NotFound(f"no profile version {version_id} in this store", path="version")
        statements = self._registration_statements(principal, registration)
        groups: dict[str | None, list[dict]] = {}
        for statement in statements:
            if active.categories & _category_ids(statement):
                groups.setdefault(_subregistration(statement, active), []).append(statement)
        with jsonpath.budget(self.settings.max_rule_steps):
            sequences = [self._follow(active, key, members) for key, members in groups.items()]
        return {"registration": registration, "version": version_id, "sequences": sequences}

    def _follow(self, active: ActiveVersion, subregistration: str | None, statements: list[dict]) -> dict:
        statements.sort(key=_timestamp_ms)  # stable: ties keep stored order
        stream, not_valid = [], []
        by_id = {statement.get("id"): statement for statement in statements}
        for index, statement in enumerate(statements):
            outcome = validate(statement, active.profile, lookup=by_id.get)  # StatementRefs within the stream
            stream.append(frozenset(outcome.matched) if outcome.outcome == SUCCESS else frozenset())
            if outcome.outcome != SUCCESS:
                not_valid.append({"index": index, "statementId": statement.get("id"), "outcome": outcome.outcome,
                                  "failed": outcome.failed})
        results = follow(active.profile.patterns, active.profile.primary_patterns, stream)
        followed = not not_valid and any(result.outcome == "followed" for result in results)
        body = []
        for result in results:
            item = result.to_dict()
            if result.left_at is not None and result.left_at < len(statements):
                item["left_at_statement"] = statements[result.left_at].get("id")
            body.append(item)
        return {"subregistration": subregistration, "statements": len(statements), "follows": followed,
                "patterns": body, "statementsNotValid": not_valid}

    def _registration_statements(self, principal: Principal, registration: str) -> list[dict]:
        limit = self.settings.pattern_max_statements
        query = self._statements.parse_request({"registration": registration, "ascending": "true",
                                                "limit": str(min(500, limit))})
        page = self._statements.query(principal, query)
        found = [orjson.loads(body) for body in page.bodies]
        while page.more is not None:
            if len(found) > limit:
                raise PayloadTooLarge(f"the registration has more than {limit} statements, more than this LRS "
                                      "checks against a pattern at once (LRS_PROFILE_PATTERN_MAX_STATEMENTS)",
                                      path="registration")
            page = self._statements.query_more(principal, page.more)
            found.extend(orjson.loads(body) for body in page.bodies)
        if len(found) > limit:
            raise PayloadTooLarge(f"the registration has more than {limit} statements, more than this LRS checks "
                                  "against a pattern at once (LRS_PROFILE_PATTERN_MAX_STATEMENTS)", path="registration")
        return found

    # --- the per-process view of each store --------------------------------------------------------

    def _active_versions(self, store_id: int) -> tuple[ActiveVersion, ...]:
        return tuple(self._compile(version) for version in self._storage.versions(store_id))

    def _view(self, store_id: int) -> _StoreView:
        now = time.monotonic()
        if now - self._modes_read_at >= self.settings.recheck_seconds:
            modes = self._storage.modes_not_off()
            with self._lock:
                self._modes, self._modes_read_at = modes, now
        mode = self._modes.get(store_id, "off")
        if mode == "off":
            return _OFF
        view = self._views.get(store_id)
        if view is not None and view.mode == mode and now - view.read_at < self.settings.recheck_seconds:
            return view
        view = _StoreView(mode, self._active_versions(store_id), now)
        with self._lock:
            self._views[store_id] = view
        return view

    def _compile(self, version: StoredVersion) -> ActiveVersion:
        profile = self._compiled.get(version.digest)
        if profile is None:
            stored = self._storage.version(version.store_id, version.version_id)
            profile, _document = read_profile(stored.document.encode("utf-8"))
            self._remember(version.digest, profile)
        return ActiveVersion(version.version_id, profile,
                             frozenset({version.version_id, *version.also_for_categories}))

    def _remember(self, digest: str, profile: Profile) -> None:
        with self._lock:
            if len(self._compiled) >= _COMPILED_MAX:
                self._compiled.clear()
            self._compiled[digest] = profile

    def _forget(self, store_id: int) -> None:
        with self._lock:
            self._views.pop(store_id, None)
            self._modes_read_at = float("-inf")


def _timestamp_ms(statement: dict) -> int:
    try:
        return parse_timestamp_ms(statement.get("timestamp"), parameter="timestamp")
    except BadRequest:
        return 0


def _category_ids(statement: dict) -> set:
    context = statement.get("context")
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    category = activities.get("category") if isinstance(activities, dict) else None
    if isinstance(category, dict):
        category = [category]
    if not isinstance(category, list):
        return set()
    return {activity.get("id") for activity in category if isinstance(activity, dict)}


def _applicable(statement: dict, versions: tuple[ActiveVersion, ...]):
    categories = _category_ids(statement)
    if not categories:
        return
    for active in versions:
        if active.categories & categories:
            yield active


def _subregistration(statement: dict, active: ActiveVersion) -> str | None:
    """Part Two §9.0: the subregistration extension entry for this profile, if the statement has one."""
    context = statement.get("context")
    extensions = context.get("extensions") if isinstance(context, dict) else None
    entries = extensions.get(SUBREGISTRATION) if isinstance(extensions, dict) else None
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and entry.get("profile") in (active.profile.id, active.version_id) \
                and isinstance(entry.get("subregistration"), str):
            return entry["subregistration"]
    return None


def _recorded(statement_id: str, version_id: str, outcome: Outcome) -> RecordedResult:
    return RecordedResult(statement_id, version_id, outcome.outcome, outcome.matched,
                          [violation.to_dict() for violation in outcome.violations])


def _outcome_body(outcome: Outcome) -> dict:
    return {"outcome": outcome.outcome, "matched": outcome.matched, "failed": outcome.failed,
            "violations": [violation.to_dict() for violation in outcome.violations]}


def _refusal(position: int, size: int, active: ActiveVersion, outcome: Outcome) -> BadRequest:
    violation = outcome.violations[0]
    where = f"statement [{position}]" if size > 1 else "the statement"
    if violation.template is not None:
        rule = f"rule {violation.rule}" + (f" ({violation.location})" if violation.location else "") \
            if violation.rule is not None and violation.rule >= 0 else "its StatementRef requirement"
        message = (f"{where} matches Statement Template {violation.template} of profile version "
                   f"{active.version_id} but breaks {rule}: {violation.message}")
        section = "xAPI Profiles Part Two §8.1" if violation.rule is not None and violation.rule >= 0 \
            else "xAPI Profiles Part Two §8.0"
    else:
        message = (f"{where} uses extension {violation.concept} of profile version {active.version_id} "
                   f"wrongly: {violation.message}")
        section = "xAPI Profiles Part Two §7.2"
    return ProfileViolation(message, path=f"[{position}]" if size > 1 else "", section=section,
                            violation={"version": active.version_id, **violation.to_dict()})


class ProfileViolation(BadRequest):
    """400 in enforce mode: the body also names the profile version, template, rule and location."""

    def __init__(self, message: str, *, violation: dict, **kwargs):
        super().__init__(message, **kwargs)
        self.violation = violation

    def to_dict(self) -> dict:
        return {**super().to_dict(), "profile": self.violation}
