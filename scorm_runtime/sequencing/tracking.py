"""The Tracking Model of one registration (SN book 4.2: activity, attempt and objective progress information,
activity state information, global state information), JSON-serialisable so it persists across launches. adl.data shared data stores
(4th ed, RTE 4.3) do not influence sequencing and stay with the runtime (scorm_runtime/global_data.py).

Unknown values are None: `completion` None is "Attempt Progress Status false", `satisfied` None is "Objective
Progress Status false", `measure` None is "Objective Measure Status false". Activity Progress Status is
`attempt_count > 0` (SN DB.2 sets it true with the first attempt and never false again)."""
from __future__ import annotations

import copy
import json
import secrets

FORMAT = 1


class ObjectiveState:
    """Objective Progress Information of one local objective (SN 4.2.1.x)."""
    __slots__ = ("satisfied", "measure")

    def __init__(self, satisfied: bool | None = None, measure: float | None = None):
        self.satisfied = satisfied
        self.measure = measure

    def to_json(self) -> list:
        return [self.satisfied, self.measure]


class ActivityState:
    """Activity, attempt and objective progress and activity state information of one activity."""
    __slots__ = ("attempt_count", "active", "suspended", "completion", "progress_measure", "objectives",
                 "attempt_duration", "activity_duration", "order", "order_attempt", "skipped")

    def __init__(self):
        self.attempt_count = 0
        self.active = False
        self.suspended = False
        self.completion: bool | None = None        # Attempt Completion Status (None: progress status false)
        self.progress_measure: float | None = None  # Attempt Completion Amount (4th ed)
        self.objectives: dict[str, ObjectiveState] = {}
        self.attempt_duration = 0.0                 # Attempt Absolute Duration, seconds
        self.activity_duration = 0.0                # Activity Absolute Duration, seconds
        self.order: list[str] | None = None         # Available Children after SR.1/SR.2 (None: all, in order)
        self.order_attempt = 0                      # the attempt the order was made for (randomizationTiming)
        self.skipped = False                        # skipped by a precondition on the last flow (ifNotSkipped)

    @property
    def progress_known(self) -> bool:  # Activity Progress Status
        return self.attempt_count > 0

    def objective(self, key: str) -> ObjectiveState:
        state = self.objectives.get(key)
        if state is None:
            state = self.objectives[key] = ObjectiveState()
        return state

    def to_json(self) -> dict:
        data: dict = {}
        for name in ("completion", "progress_measure", "order"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        for name in ("attempt_count", "active", "suspended", "attempt_duration", "activity_duration",
                     "order_attempt", "skipped"):
            if getattr(self, name):  # defaults (0, False) are left out to keep a 500-activity record small
                data[name] = getattr(self, name)
        objectives = {key: state.to_json() for key, state in self.objectives.items()
                      if state.satisfied is not None or state.measure is not None}
        if objectives:
            data["objectives"] = objectives
        return data

    @classmethod
    def from_json(cls, data: dict) -> ActivityState:
        state = cls()
        for name, value in data.items():
            if name == "objectives":
                state.objectives = {key: ObjectiveState(*pair) for key, pair in value.items()}
            elif name in cls.__slots__:
                setattr(state, name, value)
        return state


class Tracking:
    """Everything the engine knows about one learner on one activity tree."""

    def __init__(self, seed: int | None = None):
        self.activities: dict[str, ActivityState] = {}
        self.current: str | None = None            # Current Activity (SN 4.2.2)
        self.suspended_activity: str | None = None  # Suspended Activity
        self.global_objectives: dict[str, dict] = {}  # shared objectives by targetObjectiveID (SN 4.2.1.4)
        self.seed = secrets.randbits(32) if seed is None else seed  # randomization stays stable across launches
        self.session_ended = False                  # the last navigation request ended the sequencing session

    def state(self, identifier: str) -> ActivityState:
        state = self.activities.get(identifier)
        if state is None:
            state = self.activities[identifier] = ActivityState()
        return state

    def global_objective(self, target_id: str) -> dict:
        found = self.global_objectives.get(target_id)
        if found is None:
            found = self.global_objectives[target_id] = {}
        return found

    def to_json(self) -> dict:
        activities = {}
        for identifier, state in self.activities.items():
            data = state.to_json()
            if data:
                activities[identifier] = data
        return {"format": FORMAT, "current": self.current, "suspended": self.suspended_activity,
                "seed": self.seed, "sessionEnded": self.session_ended, "activities": activities,
                "globalObjectives": self.global_objectives}

    @classmethod
    def from_json(cls, data: dict | str | None) -> Tracking:
        if data is None:
            return cls()
        if isinstance(data, str):
            data = json.loads(data)
        tracking = cls(seed=data.get("seed", 0))
        tracking.current = data.get("current")
        tracking.suspended_activity = data.get("suspended")
        tracking.session_ended = data.get("sessionEnded", False)
        tracking.activities = {identifier: ActivityState.from_json(state)
                               for identifier, state in (data.get("activities") or {}).items()}
        tracking.global_objectives = copy.deepcopy(data.get("globalObjectives") or {})
        return tracking

    @staticmethod
    def attempt_count_in(data: dict | None, identifier: str) -> int | None:
        """Activity Attempt Count of one activity in a stored model (`to_json`'s), without parsing the rest:
        None when the activity has no state there. A learner deep in a large tree has hundreds."""
        if isinstance(data, str):
            data = json.loads(data)
        state = ((data or {}).get("activities") or {}).get(identifier)
        return None if state is None else state.get("attempt_count", 0)

    def copy(self) -> Tracking:
        return Tracking.from_json(self.to_json())
