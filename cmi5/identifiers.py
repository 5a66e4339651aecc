"""The IRIs the LMS generates (cmi5 8.1.5, 9.4): the AU activityId and the block and course objects.

They are `urn:uuid:` IRIs derived from delivery's course id and the publisher's id, so they need no
storage, never equal the publisher's id, stay the same across launches and registrations of a course
(8.1.5 MUST and SHOULD), and do not change when the server's public URL does."""
from __future__ import annotations

import uuid


def _derived(course_id: str, kind: str, publisher_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.UUID(course_id), kind + chr(0) + publisher_id)}"


def au_activity_id(course_id: str, au_id: str) -> str:
    """cmi5 8.1.5: the activityId of an AU in launch URLs and cmi5 defined statements."""
    return _derived(course_id, "au", au_id)


def block_object_id(course_id: str, block_id: str) -> str:
    """cmi5 9.4: the object of a block's `satisfied` statements."""
    return _derived(course_id, "block", block_id)


def course_object_id(course_id: str, publisher_course_id: str) -> str:
    """cmi5 9.4: the object of the course's `satisfied` statements."""
    return _derived(course_id, "course", publisher_course_id)
