"""Activities Resource (xAPI-Communication 2.5): the canonical Activity object."""
from __future__ import annotations

from lrs.auth.principal import Principal
from lrs.storage.activities import ActivityDefinitionStorage
from lrs.xapi.scopes import READ_ACTIVITIES_AND_AGENTS, require


class ActivityService:
    def __init__(self, definitions: ActivityDefinitionStorage):
        self._definitions = definitions

    def activity(self, principal: Principal, activity_id: str) -> dict:
        """The Activity with every definition the LRS merged for it; without one, the bare Activity
        (xAPI-Communication 2.5.s2.b1)."""
        require(principal.scopes, READ_ACTIVITIES_AND_AGENTS, "read activities")
        activity = {"objectType": "Activity", "id": activity_id}
        definition = self._definitions.get_many(principal.store_id, [activity_id]).get(activity_id)
        if definition:
            activity["definition"] = definition
        return activity
