"""Every workflow is a declared table (``config.workflow``); the API and the docs agree with it.

- each action a person may take is reachable through the API (a viewset action of that name, or, for
  the production's ``transition``, a value of its ``status`` field); a review submission's actions
  through the API (the company's) or the admin's buttons (the centre's), by the names declared below;
- ``docs/workflows.md`` shows each table as the code declares it;
- every action a person takes in any table has a way in, the API's (a viewset action) or the admin's (a
  changelist action or a button), as ``WAYS_IN`` declares; each declared way exists;
- no API action or admin action that writes exists outside the tables, unless ``NOT_TRANSITIONS`` says
  why it changes no state (a file, a flag, a secret, a quote);
- the runner refuses an action the state does not allow, before anything is written.
"""

from datetime import datetime
from pathlib import Path

import pytest
from django.utils import timezone, translation

from bookings.api.views import BookingViewSet, WaitlistEntryViewSet
from bookings.errors import InvalidTransition
from bookings.models import Booking, WaitlistEntry
from bookings.services import waitlist_decline_offer
from bookings.workflow import BOOKINGS, WAITLIST
from config.exceptions import ConflictError
from config.workflow import all_workflows, markdown
from crews.api.views import SceneViewSet, ShootDayViewSet
from crews.errors import ShootDayClosed
from crews.models import CallSheet, Scene, ShootDay
from crews.services import scene_drop, shoot_day_publish, shoot_day_wrap
from crews.workflow import SCENES, SHOOT_DAYS
from notifications.api.views import DeliveryViewSet
from notifications.models import Delivery
from notifications.services import delivery_retry_now
from notifications.workflow import DELIVERIES
from review import admin as review_admin
from review.api.views import ReviewSubmissionViewSet
from review.models import ReviewSubmission
from review.workflow import COMPANY_ACTIONS, REVIEWS
from studio.api.serializers import ProductionStatusIn
from studio.api.views import ProductionViewSet
from studio.models import Production
from studio.workflow import PRODUCTIONS
from tests.crews.factories import SceneFactory, ShootDayFactory
from tests.factories import DeliveryFactory, ProductionFactory, WaitlistEntryFactory

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
        (WAITLIST, WaitlistEntry.Status.values),
        (SHOOT_DAYS, ShootDay.Status.values),
        (SCENES, Scene.Status.values),
    ):
        mentioned = {state for source, _action, target in workflow.rows() for state in (source, target)}
        assert set(states) <= mentioned | {None}, workflow.name


def test_the_workflows_are_found():
    assert {workflow.name for workflow in WORKFLOWS} == {
        "booking",
        "waitlist entry",
        "production",
        "review submission",
        "shoot day",
        "scene",
        "delivery",
    }


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


# -- every action a person takes has a way in, and no write action is outside the tables -------------

API, ADMIN, BUTTON = "api", "admin", "button"

#: workflow → action a person takes → its ways in: (API, viewset, viewset action or "destroy"),
#: (ADMIN, model, changelist action), (BUTTON, model, ``review.admin.WORKFLOW`` step)
WAYS_IN = {
    "booking": {
        action: [(API, BookingViewSet, action), (ADMIN, Booking, action)]
        for action in ("confirm", "decline", "cancel", "reschedule", "check_in", "check_out", "no_show")
    },
    "waitlist entry": {
        "accept": [(API, WaitlistEntryViewSet, "accept")],
        "decline": [(API, WaitlistEntryViewSet, "decline")],
        "withdraw": [(API, WaitlistEntryViewSet, "destroy")],  # DELETE /waitlist-entries/{id}/
    },
    "production": {
        action: [(API, ProductionViewSet, "transition"), (ADMIN, Production, action)]
        for action in ("develop", "prepare", "shoot", "finish_shooting", "release", "cancel")
    },
    "review submission": {
        **{action: [(API, ReviewSubmissionViewSet, action)] for action in REVIEW_API},
        "assign": [(ADMIN, ReviewSubmission, "assign_to_me"), (BUTTON, ReviewSubmission, "assign")],
        "reassign": [(ADMIN, ReviewSubmission, "assign_to_me"), (BUTTON, ReviewSubmission, "assign")],
        "add_finding": [(BUTTON, ReviewSubmission, "finding")],
        "pass": [(ADMIN, ReviewSubmission, "pass_preliminary"), (BUTTON, ReviewSubmission, "pass")],
        "return": [(ADMIN, ReviewSubmission, "return_with_findings"), (BUTTON, ReviewSubmission, "return")],
        "approve": [(ADMIN, ReviewSubmission, "approve"), (BUTTON, ReviewSubmission, "approve")],
        "reject": [(ADMIN, ReviewSubmission, "reject"), (BUTTON, ReviewSubmission, "reject")],
    },
    "shoot day": {
        "publish": [(API, ShootDayViewSet, "publish"), (ADMIN, ShootDay, "publish")],
        "wrap": [(API, ShootDayViewSet, "wrap")],
    },
    "scene": {"drop": [(API, SceneViewSet, "drop"), (ADMIN, Scene, "drop_scenes")]},
    "delivery": {"retry": [(API, DeliveryViewSet, "retry"), (ADMIN, Delivery, "retry_now")]},
}

#: API actions (router prefix, action) and admin actions (model name, action) that write but move no
#: workflow state, and why
NOT_TRANSITIONS = {
    ("bookings", "feed_url"): "issues a calendar feed link",
    ("bookings", "quote"): "prices a booking, writes nothing",
    ("people", "feed_url"): "issues a person's calendar feed link",
    ("scenes", "import_csv"): "creates scenes",
    ("call-sheets", "public_acknowledge"): "a person's read receipt, no state",
    ("review-submissions", "documents"): "uploads a document of a draft",
    ("review-submissions", "document_delete"): "removes a document of a draft",
    ("review-submissions", "episodes"): "sets the episodes of a draft",
    ("webhook-endpoints", "ping"): "sends a test message",
    ("webhook-endpoints", "rotate_secret"): "a new signing secret",
    ("bases", "activate"): "the listing flag (idempotent, never refused)",
    ("bases", "deactivate"): "the listing flag (idempotent, never refused)",
    ("sets", "activate"): "the listing flag (idempotent, never refused)",
    ("sets", "deactivate"): "the listing flag (idempotent, never refused)",
    ("sets", "import_csv"): "creates sets",
    ("sets", "photos"): "uploads a photo",
    ("sets", "rates"): "changes the rate card",
    ("AccessAttempt", "cleanup_expired_attempts"): "django-axes' housekeeping",
    ("Base", "activate"): "the listing flag",
    ("Base", "deactivate"): "the listing flag",
    ("Set", "activate"): "the listing flag",
    ("Set", "deactivate"): "the listing flag",
    ("Set", "set_rates"): "changes the rate card",
    ("Set", "export_csv"): "a download",
}


def _admin_actions(model) -> set[str]:
    from django.contrib import admin

    model_admin = admin.site._registry[model]
    return {name for _function, name, _description in model_admin._get_base_actions()} - {"delete_selected"}


def _ways_in_exist(way) -> bool:
    kind, where, name = way
    if kind == API:
        return name in _api_actions(where) or (name == "destroy" and hasattr(where, "destroy"))
    if kind == ADMIN:
        return name in _admin_actions(where)
    return name in review_admin.WORKFLOW


def test_every_action_a_person_takes_in_any_table_has_a_way_in():
    assert {workflow.name for workflow in WORKFLOWS} == set(WAYS_IN)
    for workflow in WORKFLOWS:
        assert set(WAYS_IN[workflow.name]) == set(workflow.actions_from_any(by_person=True)), workflow.name
        for action, ways in WAYS_IN[workflow.name].items():
            assert ways, (workflow.name, action)
            missing = [way for way in ways if not _ways_in_exist(way)]
            assert not missing, (workflow.name, action, missing)


def test_no_api_action_that_writes_is_outside_the_tables():
    from config.api import router

    declared = {
        (way[1], way[2]) for ways in WAYS_IN.values() for way_list in ways.values() for way in way_list
    }
    stray = []
    for prefix, viewset, _basename in router.registry:
        for extra in viewset.get_extra_actions():
            if not set(extra.mapping) - {"get", "head", "options"}:
                continue  # reads
            if (viewset, extra.__name__) not in declared and (prefix, extra.__name__) not in NOT_TRANSITIONS:
                stray.append((prefix, extra.__name__))
    assert stray == []


def test_no_admin_action_is_outside_the_tables():
    from django.contrib import admin

    declared = {
        (way[1], way[2]) for ways in WAYS_IN.values() for way_list in ways.values() for way in way_list
    }
    stray = [
        (model.__name__, name)
        for model in admin.site._registry
        for name in sorted(_admin_actions(model))
        if (model, name) not in declared and (model.__name__, name) not in NOT_TRANSITIONS
    ]
    assert stray == []


@pytest.mark.parametrize(
    ("action", "step"),
    [("assign_to_me", "assign"), ("pass_preliminary", "pass"), ("return_with_findings", "return")]
    + [("approve", "approve"), ("reject", "reject")],
)
def test_each_review_changelist_action_runs_the_button_of_its_table_action(action, step):
    """The changelist's actions share the buttons' steps: the one named in ``WAYS_IN``."""
    from unittest import mock

    model_admin = review_admin.ReviewSubmissionAdmin(ReviewSubmission, review_admin.admin.site)
    with mock.patch.object(review_admin.ReviewSubmissionAdmin, "_action", return_value=None) as run:
        getattr(model_admin, action)(None, None)
    assert run.call_args.args[-1] == step


# -- the runner refuses before it writes ------------------------------------------------------------


@pytest.mark.django_db
def test_a_wrapped_day_is_neither_published_nor_wrapped_again_and_nothing_is_written():
    day = ShootDayFactory(status=ShootDay.Status.WRAPPED)
    with translation.override("en"), pytest.raises(ShootDayClosed) as refused:
        shoot_day_publish(shoot_day=day)
    assert str(refused.value.detail) == "This shoot day is wrapped; its call sheet can no longer change."
    assert not CallSheet.objects.filter(shoot_day=day).exists()
    with translation.override("en"), pytest.raises(ShootDayClosed) as refused:
        shoot_day_wrap(shoot_day=day, shot=[], now=day.call_at)
    assert str(refused.value.detail) == "This shoot day is wrapped and can no longer change."
    day.refresh_from_db()
    assert (day.status, day.wrapped_at) == (ShootDay.Status.WRAPPED, None)
    assert not SHOOT_DAYS.allows(day, "publish")


@pytest.mark.django_db
def test_a_shot_scene_is_not_dropped():
    scene = SceneFactory(status=Scene.Status.SHOT)
    with pytest.raises(ConflictError) as refused:
        scene_drop(scene=scene)
    assert refused.value.code == "scene_shot"
    scene.refresh_from_db()
    assert scene.status == Scene.Status.SHOT
    assert SCENES.allows(SceneFactory(status=Scene.Status.DROPPED), "drop")  # again: no error, no change


@pytest.mark.django_db
def test_an_entry_still_waiting_has_no_offer_to_decline():
    entry = WaitlistEntryFactory()
    with pytest.raises(InvalidTransition) as refused:
        waitlist_decline_offer(entry=entry, by=None)
    assert refused.value.code == "invalid_status"
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.WAITING
    assert WAITLIST.actions_from(WaitlistEntry.Status.WAITING) == ["withdraw"]


@pytest.mark.django_db
def test_a_sent_delivery_is_not_retried():
    delivery = DeliveryFactory(
        status=Delivery.Status.SENT,
        sent_at=datetime(2026, 12, 9, 10, 0, tzinfo=timezone.get_fixed_timezone(8 * 60)),
    )
    with pytest.raises(ConflictError) as refused:
        delivery_retry_now(delivery=delivery)
    assert refused.value.code == "delivery_already_sent"
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert DELIVERIES.actions_from(Delivery.Status.SENT) == []
