"""Every workflow is a declared table (``config.workflow``); the API and the docs agree with it.

- each action a person may take is reachable through the API (a viewset action of that name, or, for
  the production's ``transition``, a value of its ``status`` field); a review submission's actions
  through the API (the company's) or the admin's buttons (the centre's), by the names declared below;
- ``docs/workflows.md`` shows each table as the code declares it;
- the runner refuses an action the state does not allow, before anything is written.
"""

from pathlib import Path

import pytest

from bookings.api.views import BookingViewSet
from bookings.models import Booking
from bookings.workflow import BOOKINGS
from config.exceptions import ConflictError
from config.workflow import all_workflows, markdown
from review import admin as review_admin
from review.api.views import ReviewSubmissionViewSet
from review.models import ReviewSubmission
from review.workflow import COMPANY_ACTIONS, REVIEWS
from studio.api.serializers import ProductionStatusIn
from studio.models import Production
from studio.workflow import PRODUCTIONS
from tests.factories import ProductionFactory

DOCS = Path(__file__).resolve().parent.parent / "docs" / "workflows.md"
WORKFLOWS = all_workflows()

#: the review actions the company takes → their API action on ``/review-submissions/{id}/``
REVIEW_API = {"submit": "submit", "withdraw": "withdraw", "resubmit": "resubmit"}
#: the review actions the centre takes → their admin button (``review.admin.WORKFLOW``); a reviewer
#: assigns a submitted dossier and a centre lead takes over one under review with the same button
REVIEW_ADMIN = {
    "assign": "assign",
    "reassign": "assign",
    "add_finding": "finding",
    "pass": "pass",
    "return": "return",
    "approve": "approve",
    "reject": "reject",
}


def _api_actions(viewset) -> set[str]:
    return {extra.__name__ for extra in viewset.get_extra_actions()}


def test_every_booking_action_a_person_takes_is_an_api_action():
    assert set(BOOKINGS.actions_from_any(by_person=True)) <= _api_actions(BookingViewSet)
    assert "expire" not in _api_actions(BookingViewSet)  # the system's alone


def test_every_production_row_is_reachable_through_the_transition_action():
    targets = {row.target for row in PRODUCTIONS.table.values()}
    assert targets == set(ProductionStatusIn().fields["status"].choices)


def test_every_review_action_is_an_api_action_of_the_company_or_an_admin_button_of_the_centre():
    assert set(REVIEW_API) == COMPANY_ACTIONS
    assert set(REVIEW_API) | set(REVIEW_ADMIN) == set(REVIEWS.actions_from_any(by_person=True))
    assert set(REVIEW_API).isdisjoint(REVIEW_ADMIN)
    assert set(REVIEW_API.values()) <= _api_actions(ReviewSubmissionViewSet)
    assert set(REVIEW_ADMIN.values()) == set(review_admin.WORKFLOW)  # and no button outside the table


@pytest.mark.parametrize("step", sorted(review_admin.WORKFLOW))
def test_each_review_admin_button_shows_in_the_stages_its_actions_start_from(step):
    shown_in = set(review_admin.WORKFLOW[step][3])
    actions = [action for action, button in REVIEW_ADMIN.items() if button == step]
    assert shown_in == set().union(*(REVIEWS.transition(action).sources for action in actions))


def test_every_state_is_covered_by_the_tables():
    for workflow, states in (
        (BOOKINGS, Booking.Status.values),
        (PRODUCTIONS, Production.Status.values),
        (REVIEWS, ReviewSubmission.Stage.values),
    ):
        mentioned = {state for source, _action, target in workflow.rows() for state in (source, target)}
        assert set(states) <= mentioned | {None}, workflow.name


def test_the_workflows_are_found():
    assert {workflow.name for workflow in WORKFLOWS} >= {"booking", "production", "review submission"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda workflow: workflow.name)
def test_the_docs_show_the_table(workflow):
    assert markdown(workflow) in DOCS.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_the_runner_refuses_a_move_the_table_does_not_allow_and_writes_nothing():
    production = ProductionFactory(status=Production.Status.RELEASED)
    with pytest.raises(ConflictError) as refused:
        PRODUCTIONS.run("cancel", production, by=None, now=None)
    assert refused.value.code == "invalid_transition"
    production.refresh_from_db()
    assert production.status == Production.Status.RELEASED


def test_every_booking_and_production_action_a_person_takes_is_an_admin_action():
    """The admin offers every move a person makes in these tables (each allowed by the API's rule)."""
    from django.contrib import admin

    from bookings.admin import BookingAdmin
    from studio.admin import ProductionAdmin

    def admin_actions(model_admin_class, model):
        return {action.__name__ for action in model_admin_class(model, admin.site).actions}

    assert set(BOOKINGS.actions_from_any(by_person=True)) <= admin_actions(BookingAdmin, Booking)
    assert "expire" not in admin_actions(BookingAdmin, Booking)  # the system's alone
    assert set(PRODUCTIONS.actions_from_any(by_person=True)) <= admin_actions(ProductionAdmin, Production)
