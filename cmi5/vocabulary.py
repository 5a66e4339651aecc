"""The IRIs and value spaces cmi5 defines (cmi5 8.1, 9.3, 9.4, 9.5.5, 9.6, 10.2, 13.1.4)."""
from __future__ import annotations

# cmi5 8.1: the launch parameters an AU's own query string must not use (8.1.0.0-6).
LAUNCH_PARAMETERS = ("endpoint", "fetch", "actor", "registration", "activityId")

LAUNCH_METHODS = ("AnyWindow", "OwnWindow")
MOVE_ON_VALUES = ("NotApplicable", "Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed")
DEFAULT_LAUNCH_METHOD = "AnyWindow"   # cmi5 13.1.4 launchMethod
DEFAULT_MOVE_ON = "NotApplicable"     # cmi5 13.1.4 moveOn

# cmi5 9.3
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
INITIALIZED = "http://adlnet.gov/expapi/verbs/initialized"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
WAIVED = "https://w3id.org/xapi/adl/verbs/waived"
TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"

VERB_DISPLAY = {LAUNCHED: "launched", INITIALIZED: "initialized", COMPLETED: "completed", PASSED: "passed",
                FAILED: "failed", ABANDONED: "abandoned", WAIVED: "waived", TERMINATED: "terminated",
                SATISFIED: "satisfied"}
# cmi5 9.3: verbs only the LMS writes.
LMS_VERBS = frozenset({LAUNCHED, ABANDONED, WAIVED, SATISFIED})

# cmi5 9.4
BLOCK_TYPE = "https://w3id.org/xapi/cmi5/activitytype/block"
COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"

# cmi5 9.5.5
PROGRESS_EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/progress"
REASON_EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/reason"

# cmi5 9.6.2
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVE_ON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"

# cmi5 9.6.3
SESSION_ID_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MASTERY_SCORE_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
LAUNCH_MODE_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/launchmode"
LAUNCH_URL_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/launchurl"
MOVE_ON_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/moveon"
LAUNCH_PARAMETERS_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/launchparameters"

# cmi5 10.1, 11.0
LAUNCH_DATA_STATE_ID = "LMS.LaunchData"
LEARNER_PREFERENCES_PROFILE_ID = "cmi5LearnerPreferences"

# cmi5 14.0: the course structure's namespace.
COURSE_STRUCTURE_NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
