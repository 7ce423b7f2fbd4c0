"""A review centre's dashboard: open work, each reviewer's load, intake and turnaround against the target.

One answer (``centre_dashboard``) feeds the API's JSON, its CSV (``dashboard_rows``) and the admin page's
tables and charts, so all three show the same numbers. Counts are aggregate queries; working-day
arithmetic (holidays, adjusted working weekends) runs in Python over the centre's rows in the window, with
one calendar read: seven queries whatever the centre's size.

Turnaround, in working days (``review.calendar``), by the month the time ended in:

- per stage: from entering the stage to leaving it (the history row of the transition that left it);
- end to end: from the approved version's submission to its filing number (the approval).

Each month gives count, median and 90th percentile (PostgreSQL's ``percentile_cont``) and, end to end,
how many met the target (``review.conf.target_working_days``).
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from config.dates import months_between
from review import conf
from review.calendar import WorkingDayCalendar
from review.models import ReviewSubmission
from review.reports import month_start, percentile, stage_days_by_month
from studio.models import Organization

Stage = ReviewSubmission.Stage
OPEN_STAGES = ReviewSubmission.CENTRE_STAGES
END_TO_END = "end_to_end"


def _weeks(since: date, until: date) -> list[date]:
    weeks, current = [], since - timedelta(days=since.weekday())
    while current <= until:
        weeks.append(current)
        current += timedelta(days=7)
    return weeks


def _person(first: str, last: str, username: str) -> str:
    """张伟 (family name first, no space); John Smith; the username when no name is given."""
    if first and last and (first + last).isascii():
        return f"{first} {last}"
    return f"{last}{first}".strip() or username


def turnaround_figures(values: list[int]) -> dict:
    """Count, median and 90th percentile of working-day durations."""
    return {"count": len(values), "median": percentile(values, 0.5), "p90": percentile(values, 0.9)}


def end_to_end_by_month(
    *, centre: Organization, since: date, until: date, calendar: WorkingDayCalendar
) -> dict[date, list[tuple[int, int]]]:
    """``{month: [(company id, working days), ...]}``: each submission approved in ``[since, until]``,
    from its submission to its filing number (the approval), by the month it was approved in."""
    approved = ReviewSubmission.objects.filter(
        centre=centre,
        stage=Stage.APPROVED,
        submitted_at__isnull=False,
        decided_at__date__gte=since,
        decided_at__date__lte=until,
    ).values_list("production__company_id", "submitted_at", "decided_at")
    months: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for company_id, submitted_at, decided_at in approved:
        days = calendar.working_days_between(timezone.localdate(submitted_at), timezone.localdate(decided_at))
        months[month_start(timezone.localdate(decided_at))].append((company_id, days))
    return months


def centre_dashboard(*, centre: Organization, since: date, until: date, today: date | None = None) -> dict:
    """The dashboard of ``centre`` (the API's ``ReviewDashboardOut`` body): open work and loads as of
    ``today``, intake per week and turnaround per month for ``[since, until]``."""
    today = today or timezone.localdate()
    week_end = today + timedelta(days=6 - today.weekday())
    calendar = WorkingDayCalendar.for_centre(centre)
    labels = dict(Stage.choices)
    open_work = ReviewSubmission.objects.filter(centre=centre, stage__in=OPEN_STAGES)
    overdue = Q(due_date__lt=today)
    this_week = Q(due_date__gte=today, due_date__lte=week_end)

    by_stage = {
        row["stage"]: row
        for row in open_work.values("stage").annotate(
            open=Count("id"), overdue=Count("id", filter=overdue), due_this_week=Count("id", filter=this_week)
        )
    }
    stages = [
        {
            "stage": stage,
            "label": str(labels[stage]),
            "open": by_stage.get(stage, {}).get("open", 0),
            "overdue": by_stage.get(stage, {}).get("overdue", 0),
            "due_this_week": by_stage.get(stage, {}).get("due_this_week", 0),
        }
        for stage in OPEN_STAGES
    ]

    loads = (
        open_work.values(
            "assigned_reviewer",
            "assigned_reviewer__username",
            "assigned_reviewer__first_name",
            "assigned_reviewer__last_name",
        )
        .annotate(
            open=Count("id"), overdue=Count("id", filter=overdue), due_this_week=Count("id", filter=this_week)
        )
        .order_by(F("assigned_reviewer__username").asc(nulls_last=True))
    )
    reviewers = [
        {
            "reviewer": row["assigned_reviewer"],
            "name": _person(
                row["assigned_reviewer__first_name"],
                row["assigned_reviewer__last_name"],
                row["assigned_reviewer__username"],
            )
            if row["assigned_reviewer"]
            else _("Not assigned"),
            "open": row["open"],
            "due_this_week": row["due_this_week"],
            "overdue": row["overdue"],
        }
        for row in loads
    ]

    items = open_work.select_related("production__company", "assigned_reviewer").order_by(
        F("due_date").asc(nulls_last=True), "id"
    )
    open_list = [
        {
            "id": submission.pk,
            "title": f"{submission.production.title} · v{submission.version}",
            "company": submission.production.company.name,
            "stage": submission.stage,
            "stage_label": str(labels[submission.stage]),
            "reviewer": _person(
                submission.assigned_reviewer.first_name,
                submission.assigned_reviewer.last_name,
                submission.assigned_reviewer.username,
            )
            if submission.assigned_reviewer
            else None,
            "due_date": submission.due_date,
            "overdue": submission.due_date is not None and submission.due_date < today,
            "working_days_overdue": calendar.working_days_between(submission.due_date, today)
            if submission.due_date is not None
            else 0,
        }
        for submission in items
    ]
    # overdue first (most overdue on top), then by due date
    open_list.sort(key=lambda item: not item["overdue"])

    intake = dict(
        ReviewSubmission.objects.filter(
            centre=centre, submitted_at__date__gte=since, submitted_at__date__lte=until
        )
        .annotate(week=TruncWeek("submitted_at"))
        .values("week")
        .annotate(count=Count("id"))
        .values_list("week", "count")
    )
    intake_by_week = {timezone.localdate(week): count for week, count in intake.items()}
    intake_weeks = [{"week": week, "count": intake_by_week.get(week, 0)} for week in _weeks(since, until)]

    spent = stage_days_by_month(centre=centre, stages=OPEN_STAGES, since=since, until=until)
    for month, approvals in end_to_end_by_month(
        centre=centre, since=since, until=until, calendar=calendar
    ).items():
        spent[month][END_TO_END] = [days for _company, days in approvals]

    target = conf.target_working_days()
    turnaround = []
    for month in months_between(since, until):
        for stage in (*OPEN_STAGES, END_TO_END):
            values = spent[month][stage] if month in spent else []
            row = {
                "month": month.strftime("%Y-%m"),
                "stage": stage,
                "label": str(labels[stage]) if stage != END_TO_END else _("Submission to filing number"),
                **turnaround_figures(values),
                "within_target": sum(value <= target for value in values) if stage == END_TO_END else None,
            }
            turnaround.append(row)

    return {
        "centre": centre.pk,
        "centre_name": centre.name,
        "today": today,
        "since": since,
        "until": until,
        "unit": "working_days",
        "target_working_days": target,
        "stages": stages,
        "open_work": open_list,
        "reviewers": reviewers,
        "intake_weeks": intake_weeks,
        "turnaround": turnaround,
    }


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def dashboard_rows(data: dict) -> list[list]:
    """The dashboard as CSV rows: one block per table, each with its header row, a blank row between."""
    blocks = [
        [
            [_("Review centre"), _("From"), _("To"), _("Target (working days)")],
            [data["centre_name"], data["since"], data["until"], data["target_working_days"]],
        ],
        [
            [_("Open work by stage"), _("Open"), _("Overdue"), _("Due this week")],
            *([row["label"], row["open"], row["overdue"], row["due_this_week"]] for row in data["stages"]),
        ],
        [
            [_("Reviewer"), _("Open"), _("Due this week"), _("Overdue")],
            *([row["name"], row["open"], row["due_this_week"], row["overdue"]] for row in data["reviewers"]),
        ],
        [
            [_("Week of"), _("Submissions received")],
            *([row["week"], row["count"]] for row in data["intake_weeks"]),
        ],
        [
            [_("Month"), _("Turnaround"), _("Count"), _("Median"), _("90th percentile"), _("Within target")],
            *(
                [row["month"], row["label"], row["count"], row["median"], row["p90"], row["within_target"]]
                for row in data["turnaround"]
            ),
        ],
        [
            [_("Open submission"), _("Company"), _("Stage"), _("Reviewer"), _("Due date"), _("Overdue")],
            *(
                [
                    row["title"],
                    row["company"],
                    row["stage_label"],
                    row["reviewer"],
                    row["due_date"],
                    row["working_days_overdue"] if row["overdue"] else "",
                ]
                for row in data["open_work"]
            ),
        ],
    ]
    rows: list[list] = []
    for block in blocks:
        if rows:
            rows.append([])
        rows.extend([_cell(value) for value in row] for row in block)
    return rows
