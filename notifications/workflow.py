"""The delivery workflow a person acts on, as a table (see ``config.workflow``)::

    pending | retrying | dead ─retry→ retrying (due now; a dead one gets one more attempt)

The sending itself (``notifications.attempts``) is the worker's: it leases a row, sends, and writes the
outcome (``sent``; ``retrying`` after a failure; ``dead`` at the cap) with one conditional UPDATE, so
that a late attempt never overwrites a newer one. Those outcomes are the transport's, not actions taken
on the row, and they stay there.
"""

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from config.exceptions import ConflictError
from config.workflow import Transition, Workflow, transitions
from notifications import tasks
from notifications.models import Delivery

Status = Delivery.Status


class DeliveryWorkflow(Workflow):
    name = "delivery"
    field = "status"
    table = transitions(
        Transition("retry", {Status.PENDING, Status.RETRYING, Status.DEAD}, Status.RETRYING),
    )

    def refuse(self, delivery: Delivery, row: Transition) -> Exception:
        return ConflictError(_("This delivery has already been sent."), code="delivery_already_sent")

    def record(self, delivery: Delivery, row: Transition, *, by, now, source, details) -> None:
        """No event: the delivery is queued again once the transaction commits."""
        transaction.on_commit(partial(tasks.deliveries_enqueue, [delivery.pk]))


DELIVERIES = DeliveryWorkflow()
