"""The review centre's dashboard: hand-computed numbers (National Day 2026 and its working Saturday inside
the window), the same in the API's JSON, its CSV and the admin page; tenancy; constant queries."""

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from review import services
from review.dashboard import centre_dashboard
from tests.clock import pin_now
from tests.factories import ProductionFactory
from tests.review.conftest import attach_required

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime(2026, 11, 20, 15, 0, tzinfo=SHANGHAI)  # a Friday
WINDOW = {"since": "2026-09-01", "until": "2026-11-20"}


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def _production(world, title):
    return ProductionFactory(company=world.company, total_investment=Decimal("3500000.00"), title=title)


def _step(moment, call, **kwargs):
    with pin_now(moment):
        return call(**kwargs)


def build(world):
    """Four submissions with pinned clocks. In the package's 2026 calendar, 25 Sept (Mid-Autumn) and 1–7 Oct
    (National Day) are holidays and Saturday 10 Oct is a working day."""
    submissions = {}
    for name, title, submitted in [
        ("a", "甲", at(2026, 9, 30, 10)),  # Wed
        ("b", "乙", at(2026, 9, 24, 10)),  # Thu
        ("c", "丙", at(2026, 11, 2, 0, 30)),  # Mon 00:30 in Shanghai: still Sunday in UTC
        ("d", "丁", at(2026, 11, 18, 10)),  # Wed
    ]:
        with pin_now(submitted):
            draft = services.submission_create(
                production=_production(world, title),
                centre=world.centre,
                kind="planning_dossier",
                by=world.coordinator,
            )
            attach_required(draft)
            submissions[name] = services.submission_submit(submission=draft, by=world.coordinator)
    reviewer = world.reviewer
    for name, assign, passed, approved in [
        # submitted → 1 (8 Oct), preliminary → 2 (9 Oct, Sat 10 Oct), audit → 1 (12 Oct); whole way 4
        ("a", at(2026, 10, 8, 9), at(2026, 10, 10, 15), at(2026, 10, 12, 10)),
        # submitted → 1 (28 Sept), preliminary → 1 (29 Sept), audit → 3 (30 Sept, 8, 9 Oct); whole way 5
        ("b", at(2026, 9, 28, 9), at(2026, 9, 29, 9), at(2026, 10, 9, 16)),
    ]:
        s = _step(assign, services.submission_assign, submission=submissions[name], by=reviewer)
        s = _step(passed, services.submission_pass_preliminary, submission=s, by=reviewer)
        submissions[name] = _step(approved, services.submission_approve, submission=s, by=reviewer)
    # 丙 is assigned the morning it came in (0 working days), due 9 Nov after five working days: overdue
    submissions["c"] = _step(
        at(2026, 11, 2, 10), services.submission_assign, submission=submissions["c"], by=reviewer
    )
    return submissions


def stage_rows(data):
    return {row["stage"]: {k: row[k] for k in ("open", "overdue", "due_this_week")} for row in data["stages"]}


def turnaround(data):
    return {
        (row["month"], row["stage"]): (row["count"], row["median"], row["p90"], row["within_target"])
        for row in data["turnaround"]
    }


EXPECTED_TURNAROUND = {
    ("2026-09", "submitted"): (1, 1.0, 1.0, None),
    ("2026-09", "preliminary_review"): (1, 1.0, 1.0, None),
    ("2026-09", "content_audit"): (0, None, None, None),
    ("2026-09", "end_to_end"): (0, None, None, 0),
    ("2026-10", "submitted"): (1, 1.0, 1.0, None),
    ("2026-10", "preliminary_review"): (1, 2.0, 2.0, None),
    ("2026-10", "content_audit"): (2, 2.0, 2.8, None),
    ("2026-10", "end_to_end"): (2, 4.5, 4.9, 1),
    ("2026-11", "submitted"): (1, 0.0, 0.0, None),
    ("2026-11", "preliminary_review"): (0, None, None, None),
    ("2026-11", "content_audit"): (0, None, None, None),
    ("2026-11", "end_to_end"): (0, None, None, 0),
}


@pytest.fixture
def dashboard_world(world, settings):
    settings.REVIEW_TARGET_WORKING_DAYS = 4
    world.submissions = build(world)
    return world


def api_dashboard(api, world, **query):
    with pin_now(TODAY):
        return api(world.reviewer, world.centre).get(
            f"/api/v1/review-centres/{world.centre.pk}/dashboard/", {**WINDOW, **query}
        )


def test_hand_computed_numbers_in_the_json(dashboard_world, api):
    world = dashboard_world
    response = api_dashboard(api, world)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["target_working_days"] == 4
    assert data["today"] == "2026-11-20"
    assert turnaround(data) == EXPECTED_TURNAROUND
    assert stage_rows(data) == {
        "submitted": {"open": 1, "overdue": 0, "due_this_week": 1},  # 丁: due Fri 20 Nov
        "preliminary_review": {"open": 1, "overdue": 1, "due_this_week": 0},  # 丙: due 9 Nov
        "content_audit": {"open": 0, "overdue": 0, "due_this_week": 0},
    }
    assert [
        (row["id"], row["overdue"], row["due_date"], row["working_days_overdue"]) for row in data["open_work"]
    ] == [
        (world.submissions["c"].pk, True, "2026-11-09", 9),
        (world.submissions["d"].pk, False, "2026-11-20", 0),
    ]
    loads = {
        row["reviewer"]: (row["open"], row["due_this_week"], row["overdue"]) for row in data["reviewers"]
    }
    assert loads == {world.reviewer.pk: (1, 0, 1), None: (1, 1, 0)}
    weeks = {row["week"]: row["count"] for row in data["intake_weeks"]}
    assert weeks["2026-09-21"] == 1 and weeks["2026-09-28"] == 1
    assert weeks["2026-11-02"] == 1  # 00:30 on Monday counts in Shanghai's week, not UTC's
    assert weeks["2026-11-16"] == 1
    assert sum(weeks.values()) == 4 and min(weeks) == "2026-08-31" and max(weeks) == "2026-11-16"


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_and_the_admin_page_show_the_jsons_numbers(dashboard_world, api):
    world = dashboard_world
    data = api_dashboard(api, world).json()
    response = api_dashboard(api, world, format="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response.content)
    start = next(i for i, row in enumerate(rows) if len(row) == 6 and row[2] in ("Count", "数量"))
    table = rows[start + 1 : start + 1 + len(data["turnaround"])]

    def number(cell):
        return float(cell) if cell else None

    assert [(r[0], r[1], int(r[2]), number(r[3]), number(r[4])) for r in table] == [
        (row["month"], row["label"], row["count"], row["median"], row["p90"]) for row in data["turnaround"]
    ]

    page = Client()
    page.force_login(world.reviewer)
    url = reverse("admin:review_reviewsubmission_dashboard", args=[world.centre.pk])
    with pin_now(TODAY):
        html = page.get(url, WINDOW)
        body = page.get(
            reverse("admin:review_reviewsubmission_dashboard_data", args=[world.centre.pk]), WINDOW
        )
    assert html.status_code == 200
    assert json.loads(body.content) == data  # the charts draw exactly the API's body
    text = html.content.decode()
    assert 'data-chart="review-turnaround"' in text and "echarts-6.1.0.min.js" in text
    for row in data["turnaround"]:
        if row["count"]:
            assert f'data-turnaround="{row["month"]} {row["stage"]}"' in text
            cells = f"<td data-median>{row['median']:.2f}</td><td data-p90>{row['p90']:.2f}</td>"
            assert cells in text, cells
    assert 'data-stage="preliminary_review" data-open="1" data-overdue="1"' in text


def test_only_the_centres_staff_see_it(dashboard_world, api):
    world = dashboard_world
    outsider_centre = world.outsider_reviewer.memberships.get().organization
    path = f"/api/v1/review-centres/{world.centre.pk}/dashboard/"
    assert api(world.outsider_reviewer, outsider_centre).get(path).status_code == 404
    assert api(world.coordinator, world.company).get(path).status_code == 403
    assert api(world.centre_member, world.centre).get(path).status_code == 403  # a member who does not review

    page = Client()
    for user, expected in [(world.outsider_reviewer, 404), (world.coordinator, 403)]:
        page.force_login(user)
        for name in (
            "admin:review_reviewsubmission_dashboard",
            "admin:review_reviewsubmission_dashboard_data",
        ):
            assert page.get(reverse(name, args=[world.centre.pk])).status_code == expected, (user, name)
    page.force_login(world.reviewer)
    missing = reverse("admin:review_reviewsubmission_dashboard", args=[outsider_centre.pk + 1000])
    assert page.get(missing).status_code == 404
    assert (
        page.get(reverse("admin:review_reviewsubmission_dashboard", args=[outsider_centre.pk])).status_code
        == 404
    )
    page.logout()
    assert (
        page.get(reverse("admin:review_reviewsubmission_dashboard", args=[world.centre.pk])).status_code
        == 302
    )


def test_bad_window_is_a_400_on_a_field(dashboard_world, api):
    response = api_dashboard(api, dashboard_world, since="2026-12-01")
    assert response.status_code == 400
    assert "since" in response.json()["fields"]


def test_constant_queries(dashboard_world):
    world = dashboard_world
    since, until, today = date(2026, 9, 1), date(2026, 11, 20), date(2026, 11, 20)
    with CaptureQueriesContext(connection) as few:
        centre_dashboard(centre=world.centre, since=since, until=until, today=today)
    for title in ("戊", "己", "庚"):
        with pin_now(at(2026, 11, 16, 10)):
            draft = services.submission_create(
                production=_production(world, title),
                centre=world.centre,
                kind="planning_dossier",
                by=world.coordinator,
            )
            attach_required(draft)
            services.submission_assign(
                submission=services.submission_submit(submission=draft, by=world.coordinator),
                by=world.other_reviewer,
            )
    with CaptureQueriesContext(connection) as many:
        data = centre_dashboard(centre=world.centre, since=since, until=until, today=today)
    assert len(data["open_work"]) == 5
    assert len(few) == len(many) == 7


def test_english(dashboard_world, api):
    world = dashboard_world
    page = Client()
    page.force_login(world.reviewer)
    with pin_now(TODAY):
        response = page.get(
            reverse("admin:review_reviewsubmission_dashboard", args=[world.centre.pk]),
            WINDOW,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        chinese = page.get(
            reverse("admin:review_reviewsubmission_dashboard", args=[world.centre.pk]),
            WINDOW,
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert "Submission to filing number" in response.content.decode()
    assert "提交至取得备案号" in chinese.content.decode()
    with translation.override("en"):
        csv_rows = read_csv(api_dashboard(api, world, format="csv").content)
    assert csv_rows[0][0] in ("Review centre", "审查中心")


def test_linked_from_the_submissions_list_and_the_centre_settings(dashboard_world):
    from review.models import ReviewCentreProfile

    world = dashboard_world
    ReviewCentreProfile.objects.create(centre=world.centre)
    page = Client()
    page.force_login(world.reviewer)
    dashboard = reverse("admin:review_reviewsubmission_dashboard", args=[world.centre.pk])
    listing = page.get(reverse("admin:review_reviewsubmission_changelist")).content.decode()
    assert reverse("admin:review_reviewsubmission_dashboards") in listing
    assert page.get(reverse("admin:review_reviewsubmission_dashboards")).url == dashboard
    settings_list = page.get(reverse("admin:review_reviewcentreprofile_changelist")).content.decode()
    assert f'href="{dashboard}" data-dashboard-link' in settings_list


def test_reviewer_names_read_as_people_write_them():
    from review.dashboard import _person

    assert _person("伟", "张", "zhangwei") == "张伟"
    assert _person("John", "Smith", "jsmith") == "John Smith"
    assert _person("", "", "reviewer1") == "reviewer1"
