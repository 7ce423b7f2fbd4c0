"""Every write of the crews app (see the modules for the rules each enforces)."""

from crews.services.callsheets import call_sheet_acknowledge, recipient_current, shoot_day_publish
from crews.services.roster import (
    crew_create,
    crew_member_add,
    crew_member_remove,
    crew_member_update,
    crew_update,
    person_create,
    person_update,
)
from crews.services.scenes import scene_create, scene_drop, scene_update, scenes_import
from crews.services.schedule import (
    call_add,
    call_remove,
    call_update,
    shoot_day_conflicts_refresh,
    shoot_day_create,
    shoot_day_delete,
    shoot_day_update,
    shoot_day_wrap,
    stop_add,
    stop_remove,
    stop_update,
)

__all__ = [
    "call_add",
    "call_remove",
    "call_sheet_acknowledge",
    "call_update",
    "crew_create",
    "crew_member_add",
    "crew_member_remove",
    "crew_member_update",
    "crew_update",
    "person_create",
    "person_update",
    "recipient_current",
    "scene_create",
    "scene_drop",
    "scene_update",
    "scenes_import",
    "shoot_day_conflicts_refresh",
    "shoot_day_create",
    "shoot_day_delete",
    "shoot_day_publish",
    "shoot_day_update",
    "shoot_day_wrap",
    "stop_add",
    "stop_remove",
    "stop_update",
]
