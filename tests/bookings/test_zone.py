"""A zone's figures: the hand-computed zone of ``zone_world`` in the JSON, the CSV and the page;
suppression; nothing private in any zone member's response; permissions; constant queries."""

import csv
import io
import json
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.zone import zone_data, zone_figures
from tests.bookings.zone_world import WINDOW, build_zone_world
from tests.factories import BookingFactory, CompanyFactory, MembershipFactory, ProductionFactory, SetFactory

pytestmark = pytest.mark.django_db

SEP, OCT = date(2026, 9, 1), date(2026, 10, 1)
WITHHELD = ["booked_hours", "utilisation"]

EXPECTED_ACTIVITY = [
    {
        "month": "2026-09",
        "crews_served": 6,
        "productions": 5,
        "companies": 4,
        "people_called": 5,
        "suppressed": [],
    },
    {
        "month": "2026-10",
        "crews_served": None,
        "productions": None,
        "companies": None,
        "people_called": None,
        "suppressed": ["crews_served", "productions", "companies", "people_called"],
    },
]
EXPECTED_REQUESTS = [
    {
        "month": "2026-09",
        "requests": 9,
        "confirmed_share": "0.6667",
        "declined_share": "0.1111",
        "expired_share": "0.1111",
        "median_lead_days": "2.0",
        "suppressed": [],
    },
    {
        "month": "2026-10",
        "requests": None,
        "confirmed_share": None,
        "declined_share": None,
        "expired_share": None,
        "median_lead_days": None,
        "suppressed": ["requests", "confirmed_share", "declined_share", "expired_share", "median_lead_days"],
    },
]
EXPECTED_SPEND = [
    {"month": "2026-09", "bookings": "11400.00", "fees": "900.00", "total": "12300.00", "suppressed": []},
    {
        "month": "2026-10",
        "bookings": None,
        "fees": None,
        "total": None,
        "suppressed": ["bookings", "fees", "total"],
    },
]


def usage(month, opened, booked=None, ratio=None):
    return {
        "month": month,
        "open_hours": opened,
        "booked_hours": booked,
        "utilisation": ratio,
        "suppressed": [] if booked is not None else WITHHELD,
    }


EXPECTED_ZONE_USAGE = [usage("2026-09", "2160.00", "38.00", "0.0176"), usage("2026-10", "2232.00")]
EXPECTED_BASE_USAGE = [
    ("平原影视基地", usage("2026-09", "1440.00", "26.00", "0.0181")),
    ("平原影视基地", usage("2026-10", "1488.00")),
    ("平原二号基地", usage("2026-09", "720.00")),
    ("平原二号基地", usage("2026-10", "744.00")),
]
EXPECTED_KIND_USAGE = [
    ("bar", usage("2026-09", "720.00", "12.00", "0.0167")),
    ("bar", usage("2026-10", "744.00", "0.00", "0.0000")),  # nobody booked it: a zero names nobody
    ("hospital_ward", usage("2026-09", "1440.00")),
    ("hospital_ward", usage("2026-10", "1488.00")),
]
EXPECTED_REVIEW = {
    "centre_name": "平原审查分中心",
    "target_working_days": 4,
    "months": [
        {
            "month": "2026-09",
            "intake": 6,
            "approvals": None,
            "median_working_days": None,
            "p90_working_days": None,
            "within_target": None,
            "suppressed": ["approvals", "median_working_days", "p90_working_days", "within_target"],
        },
        {
            "month": "2026-10",
            "intake": 0,
            "approvals": 3,
            "median_working_days": 4.0,
            "p90_working_days": 4.8,
            "within_target": 2,
            "suppressed": [],
        },
    ],
}
EXPECTED_HOTELS = {
    "城东客栈": (2, 2, 2),
    "平原宾馆": (2, 2, 3),
    "示范区酒店": (0, 2, 2),
}


@pytest.fixture
def zone_world(settings):
    settings.REVIEW_TARGET_WORKING_DAYS = 4
    return build_zone_world()


def _without(row: dict, *names: str) -> dict:
    return {key: value for key, value in row.items() if key not in names}


def _by_name_and_month(item):
    return (item[0] != "平原影视基地", item[1]["month"])


def check(data, world):
    """``data`` (the JSON body) holds the hand-computed figures of ``zone_world``."""
    assert (data["zone"], data["from"], data["to"]) == (world.zone.pk, "2026-09", "2026-10")
    assert data["months"] == ["2026-09", "2026-10"]
    assert data["min_companies"] == 3
    assert data["activity"] == EXPECTED_ACTIVITY
    assert data["requests"] == EXPECTED_REQUESTS
    assert data["spend"] == EXPECTED_SPEND
    assert data["utilisation"]["zone"] == EXPECTED_ZONE_USAGE
    bases = [(row["base_name"], _without(row, "base", "base_name")) for row in data["utilisation"]["bases"]]
    assert sorted(bases, key=_by_name_and_month) == EXPECTED_BASE_USAGE  # names in the database's collation
    kinds = [(row["kind"], _without(row, "kind", "kind_label")) for row in data["utilisation"]["kinds"]]
    assert kinds == EXPECTED_KIND_USAGE
    assert data["review"] == EXPECTED_REVIEW
    assert data["circle"]["limits"] == [5, 10, 15]
    assert {
        h["name"]: (h["within_5"], h["within_10"], h["within_15"]) for h in data["circle"]["hotels"]
    } == EXPECTED_HOTELS


def test_hand_computed_figures(zone_world):
    data = zone_data(zone_figures(zone=zone_world.zone, first=SEP, last=OCT))
    check(json.loads(json.dumps(data)), zone_world)


def stats_url(zone):
    return f"/api/v1/zones/{zone.pk}/stats/"


def test_the_api_answers_the_same_figures(zone_world, api):
    response = api(zone_world.zone_user).get(stats_url(zone_world.zone), WINDOW)
    assert response.status_code == 200, response.content
    check(response.json(), zone_world)
