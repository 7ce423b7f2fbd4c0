"""Every state × action refusal reads as a sentence in Chinese and in English (issue 11 §5).

The action is named by a verb phrase of its own (状态为“已拒绝”的预订不能确认。), never by a status label
(…不能已拒绝。). The services refuse through their workflow's check (``bookings.workflow``,
``review.workflow``); these render each refusal directly, for every status or stage the action does not
allow.
"""

import pytest
from django.utils import translation

from bookings.errors import BOOKING_ACTIONS, InvalidTransition
from bookings.models import Booking
from bookings.workflow import BOOKINGS
from config.workflow import Transition
from review.errors import REVIEW_ACTIONS
from review.errors import InvalidTransition as ReviewInvalidTransition
from review.models import ReviewSubmission
from review.workflow import PHRASE, REVIEWS

BOOKING_VERBS = {
    "confirm": ("确认", "be confirmed"),
    "decline": ("拒绝", "be declined"),
    "cancel": ("取消", "be cancelled"),
    "reschedule": ("改期", "be rescheduled"),
    "check_in": ("办理进景", "be checked in"),
    "check_out": ("办理离景", "be checked out"),
    "no_show": ("标记为未到场", "be marked as a no-show"),
}
BOOKING_LABELS = {
    "held": ("预留中", "held"),
    "confirmed": ("已确认", "confirmed"),
    "checked_in": ("已进景", "checked in"),
    "completed": ("已完成", "completed"),
    "declined": ("已拒绝", "declined"),
    "expired": ("已过期", "expired"),
    "cancelled": ("已取消", "cancelled"),
    "no_show": ("未到场", "no-show"),
}
REVIEW_VERBS = {
    "submit": ("提交", "submit"),
    "withdraw": ("撤回", "withdraw"),
    "resubmit": ("重新报送", "resubmit"),
    "assign": ("分派", "assign"),
    "add_finding": ("添加审查意见", "add a finding to"),
    "pass": ("通过初审", "pass"),
    "return": ("退回", "return"),
    "approve": ("审核通过", "approve"),
    "reject": ("驳回", "reject"),
}


def require_status(booking, allowed, action) -> None:
    """The booking workflow's check, as if the table allowed ``action`` from ``allowed`` only."""
    BOOKINGS.check(booking, Transition(action, allowed, BOOKINGS.transition(action).target))


def require_stage(submission, allowed, action) -> None:
    """The review workflow's check, as if the table allowed ``action`` from ``allowed`` only."""
    REVIEWS.check(submission, Transition(action, allowed, REVIEWS.transition(action).target))


def _refusal(check, *args) -> str:
    with pytest.raises((InvalidTransition, ReviewInvalidTransition)) as refused:
        check(*args)
    return str(refused.value.detail)


def test_the_tables_cover_every_action_and_status():
    assert set(BOOKING_VERBS) == set(BOOKING_ACTIONS) == set(BOOKINGS.actions_from_any(by_person=True))
    assert set(BOOKING_LABELS) == set(Booking.Status.values)
    assert set(REVIEW_VERBS) == set(REVIEW_ACTIONS)
    # every action of the table is named by one of these (reassigning reads as assigning)
    assert {PHRASE.get(action, action) for action in REVIEWS.actions_from_any()} == set(REVIEW_ACTIONS)


@pytest.mark.parametrize("action", sorted(BOOKING_VERBS))
@pytest.mark.parametrize("status", sorted(BOOKING_LABELS))
def test_booking_state_errors_read_in_both_languages(status, action):
    booking = Booking(status=status)
    allowed = [s for s in Booking.Status.values if s != status]
    (zh_verb, en_verb), (zh_label, en_label) = BOOKING_VERBS[action], BOOKING_LABELS[status]
    with translation.override("zh-hans"):
        assert (
            _refusal(require_status, booking, allowed, action) == f"状态为“{zh_label}”的预订不能{zh_verb}。"
        )
    with translation.override("en"):
        assert (
            _refusal(require_status, booking, allowed, action)
            == f"A booking with status “{en_label}” cannot {en_verb}."
        )


@pytest.mark.parametrize("action", sorted(REVIEWS.actions_from_any()))
@pytest.mark.parametrize("stage", ReviewSubmission.Stage.values)
def test_review_state_errors_read_in_both_languages(stage, action):
    submission = ReviewSubmission(stage=stage)
    allowed = [s for s in ReviewSubmission.Stage.values if s != stage]
    zh_verb, en_verb = REVIEW_VERBS[PHRASE.get(action, action)]
    with translation.override("zh-hans"):
        zh_label = ReviewSubmission.Stage(stage).label
        assert _refusal(require_stage, submission, allowed, action) == (
            f"处于“{zh_label}”阶段的报审不能{zh_verb}。"
        )
        assert not zh_verb.startswith("已") and not zh_verb.endswith("于")
    with translation.override("en"):
        en_label = ReviewSubmission.Stage(stage).label
        assert _refusal(require_stage, submission, allowed, action) == (
            f"You cannot {en_verb} a submission in stage “{en_label}”."
        )


@pytest.mark.parametrize("action", sorted(BOOKING_VERBS))
def test_waitlist_offer_refusal_names_the_action(action):
    booking = Booking(status=Booking.Status.HELD, waitlist_offer=True)
    zh_verb, en_verb = BOOKING_VERBS[action]
    with translation.override("zh-hans"):
        assert _refusal(require_status, booking, [booking.status], action).endswith(
            f"，该预订不能{zh_verb}。"
        )
    with translation.override("en"):
        assert _refusal(require_status, booking, [booking.status], action).endswith(
            f"through its waitlist entry, the booking cannot {en_verb}."
        )
