"""Review's periodic work: the daily overdue notice to centre leads, and re-tiering when a new rule starts.

Both tasks are idempotent: each overdue submission is reported at most once per day
(``overdue_notified_on``), and re-tiering changes nothing the second time. Their names (``review.*``) are
what the beat schedule and the broker know them by: they do not follow the module's path.
"""

from django.utils import timezone

from config.celery import app
from review import conf
from review.models import TierRule
from review.services import submissions_notify_overdue
from review.tiers import tiers_reclassify_all


@app.task(name="review.notify_overdue", ignore_result=True)
def notify_overdue() -> int:
    return submissions_notify_overdue()


@app.task(name="review.reclassify_tiers", ignore_result=True)
def reclassify_tiers() -> int:
    today = timezone.localdate()
    if not TierRule.objects.filter(effective_from=today).exists():
        return 0
    return tiers_reclassify_all(on=today)


@app.on_after_finalize.connect
def schedule_review_tasks(sender, **kwargs) -> None:
    interval = conf.overdue_check_interval()
    sender.add_periodic_task(interval, notify_overdue.s(), name="review: overdue notices", expires=interval)
    sender.add_periodic_task(
        interval, reclassify_tiers.s(), name="review: re-tier on a new rule", expires=interval
    )
