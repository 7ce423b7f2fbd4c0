"""The turnaround report: median and 90th-percentile working days per stage per month for a centre."""

from collections import defaultdict
from datetime import date

from django.utils import timezone

from config.stats import percentile_cont
from review.models import ReviewSubmission, SubmissionHistory
from studio.models import Organization

REPORTED_STAGES = ReviewSubmission.CENTRE_STAGES


def percentile(values: list[int], q: float) -> float | None:
    """PostgreSQL's ``percentile_cont(q)`` of working days, to two decimals."""
    value = percentile_cont(values, q)
    return None if value is None else round(value, 2)


def month_start(day: date) -> date:
    return day.replace(day=1)


def stage_days_by_month(
    *, centre: Organization, stages, since: date, until: date
) -> dict[date, dict[str, list[int]]]:
    """The working days spent in each of ``stages`` by the centre's submissions, by the month (local) the
    stage was left in, for stages left in ``[since, until]``.

    A stage's time is recorded on the history row of the transition that left it.
    """
    rows = SubmissionHistory.objects.filter(
        submission__centre=centre,
        from_stage__in=stages,
        working_days_in_stage__isnull=False,
        at__date__gte=since,
        at__date__lte=until,
    ).values_list("at", "from_stage", "working_days_in_stage")
    grouped: dict[date, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for at, stage, days in rows.iterator():
        grouped[month_start(timezone.localdate(at))][stage].append(days)
    return grouped


def turnaround_report(*, centre: Organization, since: date, until: date) -> list[dict]:
    """One row per month in ``[since, until]`` that has data: per stage, count, median and p90.

    A stage's time is the working days from entering it to leaving it, recorded on the history row
    of the transition that left it; a month is the month the stage was left in.
    """
    grouped = stage_days_by_month(centre=centre, stages=REPORTED_STAGES, since=since, until=until)
    labels = dict(ReviewSubmission.Stage.choices)
    return [
        {
            "month": month.strftime("%Y-%m"),
            "stages": [
                {
                    "stage": stage,
                    "label": str(labels[stage]),
                    "count": len(grouped[month][stage]),
                    "median": percentile(grouped[month][stage], 0.5),
                    "p90": percentile(grouped[month][stage], 0.9),
                }
                for stage in REPORTED_STAGES
            ],
        }
        for month in sorted(grouped)
    ]
