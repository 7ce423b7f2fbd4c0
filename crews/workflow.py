"""The crews' workflows, as tables (see ``config.workflow``)::

    shoot day:  draft ─publish→ published ─publish→ published (a new call sheet version)
                draft | published ─wrap→ wrapped (销场: no change after that)
    scene:      planned ─schedule→ scheduled ─unschedule→ planned   (the system: a stop lists it or not)
                planned | scheduled | dropped | shot ─shoot→ shot   (the system: its day wraps)
                planned | scheduled | dropped ─drop→ dropped        (taken out of the plan)

Publishing freezes the day into a call sheet and notifies the people on it; wrapping marks the day's
scenes shot or carries them forward. A draft day may also be deleted (``shoot_day_delete``), which is
no transition: the day is gone. The scene's system rows move many scenes in one statement
(``Workflow.bulk``) as a side effect of the stop or wrap that causes them.
"""

from django.utils.translation import gettext as _

from config.exceptions import ConflictError
from config.locking import lock
from config.workflow import Transition, Workflow, transitions
from crews.conflicts import error_detail
from crews.errors import ShootDayClosed
from crews.models import Scene, ShootDay

Day = ShootDay.Status
SceneStatus = Scene.Status


class ShootDayWorkflow(Workflow):
    """A shoot day's status; the services give the call sheet (publish) and the scenes (wrap)."""

    name = "shoot day"
    field = "status"
    table = transitions(
        # publishing again makes the next call sheet version; the day stays published
        Transition("publish", {Day.DRAFT, Day.PUBLISHED}, Day.PUBLISHED, "call_sheet.published"),
        Transition("wrap", {Day.DRAFT, Day.PUBLISHED}, Day.WRAPPED, "shoot_day.wrapped"),
    )

    def lock(self, day: ShootDay, row: Transition) -> ShootDay:
        return lock(ShootDay, day.pk, related=("crew",) if row.action == "wrap" else ())

    def refuse(self, day: ShootDay, row: Transition) -> Exception:
        if row.action == "publish":
            return ShootDayClosed(_("This shoot day is wrapped; its call sheet can no longer change."))
        return ShootDayClosed(error_detail("shoot_day_wrapped"))

    def record(self, day: ShootDay, row: Transition, *, by, now, source, details) -> None:
        """The service's ``apply`` returns ``{"record": callable}``: the events of what it made."""
        details["record"]()


class SceneWorkflow(Workflow):
    name = "scene"
    field = "status"
    table = transitions(
        Transition("schedule", {SceneStatus.PLANNED}, SceneStatus.SCHEDULED, by_person=False),
        Transition("unschedule", {SceneStatus.SCHEDULED}, SceneStatus.PLANNED, by_person=False),
        Transition(
            "shoot",
            {SceneStatus.PLANNED, SceneStatus.SCHEDULED, SceneStatus.DROPPED, SceneStatus.SHOT},
            SceneStatus.SHOT,
            by_person=False,
        ),
        # dropping a dropped scene again changes nothing and is no error
        Transition(
            "drop", {SceneStatus.PLANNED, SceneStatus.SCHEDULED, SceneStatus.DROPPED}, SceneStatus.DROPPED
        ),
    )

    def refuse(self, scene: Scene, row: Transition) -> Exception:
        return ConflictError(_("This scene has already been shot."), code="scene_shot")


SHOOT_DAYS = ShootDayWorkflow()
SCENES = SceneWorkflow()
