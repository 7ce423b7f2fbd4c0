"""Review settings (``REVIEW_*``) are read when used, so the ``settings`` fixture overrides them."""

import pytest

from config.celery import app as celery_app
from review import services
from review.models import ReviewSubmission
from review.tasks import notify_overdue, schedule_review_tasks
from studio.models import Production
from tests.factories import SubmissionDocumentFactory

pytestmark = pytest.mark.django_db


def test_a_dossier_needs_the_documents_the_setting_requires(world, settings):
    settings.REVIEW_REQUIRED_DOCUMENTS = {
        (ReviewSubmission.Kind.PLANNING_DOSSIER, tier): ("licence",) for tier in Production.Tier.values
    }
    draft = world.draft(complete=False)
    SubmissionDocumentFactory(submission=draft, doc_type="licence", uploaded_by=draft.created_by)
    submitted = services.submission_submit(submission=draft, by=world.coordinator)
    assert submitted.stage == ReviewSubmission.Stage.SUBMITTED


def test_the_overdue_check_runs_as_often_as_the_setting_says(settings):
    settings.REVIEW_OVERDUE_CHECK_INTERVAL = 120
    try:
        schedule_review_tasks(celery_app)
        entry = celery_app.conf.beat_schedule["review: overdue notices"]
        assert (entry["task"], entry["schedule"]) == (notify_overdue.name, 120.0)
    finally:
        del settings.REVIEW_OVERDUE_CHECK_INTERVAL
        schedule_review_tasks(celery_app)
    assert celery_app.conf.beat_schedule["review: overdue notices"]["schedule"] == 3600.0
