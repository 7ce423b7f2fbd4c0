"""The production workflow, as a table (see ``config.workflow``)::

    development ⇄ pre_production → shooting ⇄ post_production → released
    (any status before release) → cancelled

The API moves a production with ``POST /productions/{id}/transition/ {"to": ...}``: the row taken is
the one leading to ``to``.
"""

from django.utils.translation import gettext as _

from config.exceptions import ConflictError
from config.workflow import Transition, Workflow, transitions
from notifications.services import event_record
from studio.models import Production

Status = Production.Status
EVENT = "production.status_changed"


class ProductionWorkflow(Workflow):
    name = "production"
    field = "status"
    table = transitions(
        Transition("develop", {Status.PRE_PRODUCTION}, Status.DEVELOPMENT, EVENT),
        Transition("prepare", {Status.DEVELOPMENT}, Status.PRE_PRODUCTION, EVENT),
        # re-shoots happen: a production in post can go back to shooting
        Transition("shoot", {Status.PRE_PRODUCTION, Status.POST_PRODUCTION}, Status.SHOOTING, EVENT),
        Transition("finish_shooting", {Status.SHOOTING}, Status.POST_PRODUCTION, EVENT),
        Transition("release", {Status.POST_PRODUCTION}, Status.RELEASED, EVENT),
        # cancelling is possible until release
        Transition(
            "cancel",
            {Status.DEVELOPMENT, Status.PRE_PRODUCTION, Status.SHOOTING, Status.POST_PRODUCTION},
            Status.CANCELLED,
            EVENT,
        ),
    )

    def action_to(self, status: str) -> str:
        """The action that leads to ``status``."""
        return next(row.action for row in self.table.values() if row.target == status)

    def refuse(self, production: Production, row: Transition) -> Exception:
        return ConflictError(
            _("A production that is %(current)s cannot become %(target)s.")
            % {"current": production.get_status_display(), "target": Status(row.target).label},
            code="invalid_transition",
        )

    def record(self, production: Production, row: Transition, *, by, now, source, details) -> None:
        event_record(
            type=row.event,
            organization=production.company,
            actor=by,
            subject=production,
            payload={"production": production.pk, "from": source, "to": production.status, **details},
        )


PRODUCTIONS = ProductionWorkflow()
