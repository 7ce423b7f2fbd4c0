"""The occupancy page (``/app/occupancy/``): its charts' numbers are the API's, which are the hand-computed
fixture's (tests/bookings/test_occupancy.py); who may open it; bad windows; CSV; constant queries."""

import csv
import io
import json
import re
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from locations.models import Set
from tests.bookings.test_occupancy import FRI, MON, SAT, THU, at, book, fixture  # noqa: F401 - the fixture
from tests.factories import (
    BaseFactory,
    BlackoutFactory,
    MembershipFactory,
    OpeningHoursFactory,
    OperatorFactory,
    SetFactory,
)

pytestmark = pytest.mark.django_db
WINDOW = {"from": THU.isoformat(), "to": MON.isoformat()}


@pytest.fixture
def operator(world):
    client = Client()
    client.force_login(world.operator_user)
    return client


def _page(client, world, **params):
    return client.get("/app/occupancy/", {"base": world.base.pk, **WINDOW, **params})


def test_the_charts_numbers_are_the_apis_and_the_fixtures(fixture, operator, api):  # noqa: F811
    page = _page(operator, fixture)
    assert page.status_code == 200
    html = page.content.decode()
    charts = dict(re.findall(r'data-chart="([\w-]+)" data-source="([^"]+)"', html))
    assert set(charts) == {"occupancy-heatmap", "occupancy-kinds", "occupancy-revenue"}
    assert len(set(charts.values())) == 1
    data = operator.get(charts["occupancy-heatmap"].replace("&amp;", "&"))
    assert data.status_code == 200
    from_api = api(fixture.operator_user, fixture.operator).get(
        f"/api/v1/bases/{fixture.base.pk}/occupancy/", WINDOW
    )
    assert json.loads(data.content) == from_api.json()
    body = from_api.json()
    # the numbers of the hand-computed fixture (see tests/bookings/test_occupancy.py)
    assert body["total"] == {"open_hours": "106.00", "booked_hours": "27.00", "utilisation": "0.2547"}
    assert [w["revenue"] for w in body["revenue_weeks"]] == ["6300.00", "3900.00"]
    assert [(c["kind"], c["utilisation"]) for c in body["kind_weeks"]] == [
        ("bar", "0.1163"),
        ("bar", "0.5455"),
        ("hospital_ward", "0.3902"),
        ("hospital_ward", "0.0000"),
    ]
    # and the page's own figures
    assert 'data-total="utilisation">25 %' in html
    assert 'data-total="revenue">¥10200.00' in html
    assert 'data-total="cancellations">2' in html
    assert 'data-total="no_shows">1' in html
    assert 'data-total="busiest">13:00' in html
    assert "data-definitions" in html


def test_the_revenue_table_names_each_week_it_counts(fixture, operator):  # noqa: F811
    html = _page(operator, fixture).content.decode()
    table = html[html.index('data-table="revenue"') :]
    weeks = re.findall(r'<tr data-week="([^"]*)"><td>([^<]*)</td>', table)
    mondays = [(THU - timedelta(days=3)).isoformat(), MON.isoformat()]  # each week by its Monday
    assert weeks == [(monday, monday) for monday in mondays]


def test_the_page_speaks_chinese_by_default_and_english_when_asked(fixture, operator):  # noqa: F811
    assert "利用率" in _page(operator, fixture).content.decode()
    english = operator.get(
        "/app/occupancy/", {"base": fixture.base.pk, **WINDOW}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "How these numbers are counted" in english


def test_csv_link_downloads_the_numbers_safe_from_formulas(fixture, operator):  # noqa: F811
    Set.objects.filter(pk=fixture.extra["ward"].pk).update(name="@SUM(A1:A9)")
    html = _page(operator, fixture).content.decode()
    url = re.search(r'data-export="csv" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    response = operator.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "'@SUM(A1:A9)" in {row[1] for row in rows if len(row) > 1}
    assert any(row[1:5] == ["8400.00", "600.00", "1200.00", "10200.00"] for row in rows if len(row) > 4)


def test_only_the_bases_operator_opens_it(world, api):
    other = MembershipFactory(organization=OperatorFactory()).user
    client = Client()
    client.force_login(other)
    assert _page(client, world).status_code == 404
    assert client.get("/app/occupancy/data/", {"base": world.base.pk, **WINDOW}).status_code == 404
    company = Client()
    company.force_login(world.company_user)
    assert _page(company, world).status_code == 403
    assert Client().get("/app/occupancy/").status_code == 302  # signed out: to the sign-in page


def test_without_a_base_it_goes_to_the_first_one(world, operator):
    response = operator.get("/app/occupancy/", WINDOW)
    assert response.status_code == 302
    assert f"base={world.base.pk}" in response["Location"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2031-03-10", "to": "2031-03-06"}, "to"),
        ({"from": "2031-03-06", "to": "2032-03-06"}, "to"),
        ({"from": "yesterday", "to": "2031-03-06"}, "from"),
        ({"from": "0001-01-01", "to": "2031-03-06"}, "from"),
    ],
)
def test_bad_windows_are_a_400_page_naming_the_field(world, operator, params, field):
    response = operator.get("/app/occupancy/", {"base": world.base.pk, **params})
    assert response.status_code == 400
    assert re.findall(r'data-field="(\w+)"', response.content.decode()) == [field]


def _queries(client, world) -> tuple[int, int]:
    counts = []
    for path in ("/app/occupancy/", "/app/occupancy/data/"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, {"base": world.base.pk, **WINDOW})
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    return tuple(counts)


def test_constant_number_of_queries_whatever_the_sets_and_bookings(world, operator):
    OpeningHoursFactory(base=world.base, weekday=3, opens=time(8), closes=time(20))
    book(world.set, world.production, at(THU, 12), at(THU, 14))
    few = _queries(operator, world)
    for n in range(18):
        set_ = SetFactory(base=world.base, kind=list(Set.Kind.values)[n], name=f"extra {n}")
        BlackoutFactory(set=set_, starts_at=at(FRI, 9), ends_at=at(FRI, 10))
        for day in (THU, FRI, SAT):
            book(set_, world.production, at(day, 8), at(day, 12))
            book(set_, world.production, at(day, 14), at(day, 16), status=Booking.Status.NO_SHOW)
    BaseFactory(operator=world.operator)  # a second base in the chooser
    assert _queries(operator, world) == few
