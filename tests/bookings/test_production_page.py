"""The production page (``/app/productions/<id>/``): its spend against a hand-computed fixture (page, JSON
and CSV alike), the cancellation quote equal to the fee the cancel charges, a move in place with its
refusal, the review state and the bases it may book, constant queries, and English on request."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import Booking
from review.models import ReviewSubmission
from tests.bookings.conftest import make_world, pin_now
from tests.factories import (
    BaseFactory,
    BookingFactory,
    ProductionFactory,
    ReviewCentreFactory,
    ReviewSubmissionFactory,
    SetFactory,
)

pytestmark = pytest.mark.django_db
Status = Booking.Status
TZ = timezone.get_fixed_timezone(8 * 60)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)  # a Monday morning, 2026-W50


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def world():
    with pin_now(NOW):
        world = make_world()
        world.extra["base2"] = BaseFactory(name="Z 基地", requires_preliminary_review=True)
        world.extra["set2"] = SetFactory(base=world.extra["base2"], name="码头")
    return world


@pytest.fixture
def company(world):
    client = Client()
    client.force_login(world.company_user)
    return client


def _book(set_, starts_at, hours=4, status=Status.CONFIRMED, production=None, world=None, **extra):
    with pin_now(NOW):
        return BookingFactory(
            set=set_,
            production=production or world.production,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            status=status,
            **extra,
        )


@pytest.fixture
def spent(world):
    """Bookings whose spend is worked out by hand below."""
    base1, set2 = world.sets, world.extra["set2"]

    def book(*args, **kwargs):
        return _book(*args, world=world, **kwargs)

    book(base1[0], at(8, 8), total_price=Decimal("1200.00"))  # W50, base 1: 1200 booked
    book(
        base1[1],
        at(9, 8),
        status=Status.COMPLETED,
        total_price=Decimal("3600.00"),
        overtime_fee=Decimal("150.00"),
    )
    # base 2: a no-show late on Sunday is still W50 in Shanghai (charged 1000)
    book(
        set2,
        at(13, 23, 30),
        hours=1,
        status=Status.NO_SHOW,
        total_price=Decimal("1000.00"),
        cancellation_fee=Decimal("1000.00"),
    )
    # Monday 00:30 in Shanghai is W51 (in UTC it is still Sunday, W50): cancelled with a 600 fee
    book(
        set2,
        at(14, 0, 30),
        status=Status.CANCELLED,
        total_price=Decimal("2000.00"),
        cancellation_fee=Decimal("600.00"),
    )
    book(set2, at(16, 8), status=Status.CHECKED_IN, total_price=Decimal("800.00"))  # W51, base 2: 800 booked
    book(base1[2], at(10, 8), status=Status.HELD, total_price=Decimal("999.00"))  # a hold costs nothing
    book(base1[2], at(11, 8), status=Status.DECLINED, total_price=Decimal("999.00"))
    book(base1[2], at(12, 8), status=Status.EXPIRED, total_price=Decimal("999.00"))
    # neither another production of the company nor another company counts
    book(
        base1[0],
        at(9, 8),
        production=ProductionFactory(company=world.company),
        total_price=Decimal("5000.00"),
    )
    book(base1[1], at(8, 8), production=world.productions[1], total_price=Decimal("7000.00"))
    return {
        "bookings": "5600.00",  # 1200 + 3600 + 800
        "fees": "1750.00",  # 150 overtime + 1000 no-show + 600 cancellation
        "total": "7350.00",
        "remaining": "792650.00",  # of 800000 invested
        "by_base": {
            world.base.pk: ("4800.00", "150.00", "4950.00"),
            world.extra["base2"].pk: ("800.00", "1600.00", "2400.00"),
        },
        "by_week": {
            "2026-W50": ("4800.00", "1150.00", "5950.00"),
            "2026-W51": ("800.00", "600.00", "1400.00"),
        },
    }


def _get(client, path, **extra):
    with pin_now(NOW):
        return client.get(path, **extra)


def test_the_spend_is_the_sum_over_its_bookings_and_fees(world, company, spent):
    url = f"/app/productions/{world.production.pk}/"
    data = _get(company, url + "spend.json").json()
    assert {key: data[key] for key in ("bookings", "fees", "total", "remaining")} == {
        key: spent[key] for key in ("bookings", "fees", "total", "remaining")
    }
    assert data["investment"] == "800000.00" and data["currency"] == "CNY"
    assert {
        line["base"]: (line["bookings"], line["fees"], line["total"]) for line in data["by_base"]
    } == spent["by_base"]
    assert [line["week"] for line in data["by_week"]] == ["2026-W50", "2026-W51"]
    assert {
        line["week"]: (line["bookings"], line["fees"], line["total"]) for line in data["by_week"]
    } == spent["by_week"]

    html = _get(company, url).content.decode()
    assert f'data-total="{spent["total"]}"' in html
    assert f'data-remaining="{spent["remaining"]}"' in html
    for base, (_booked, _fees, total) in spent["by_base"].items():
        assert f'<tr data-base-id="{base}"><th>' in html and f'data-total="{total}"' in html

    response = _get(company, url + "spend.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    totals = [row for row in rows[1:] if row[1] == world.production.title and row[2]]
    assert totals == [[totals[0][0], world.production.title, "5600.00", "1750.00", "7350.00"]]
    assert sorted(row[2:] for row in rows[1:-2]) == sorted(
        [list(line) for line in spent["by_base"].values()]
        + [list(line) for line in spent["by_week"].values()]
    )


def test_the_cancellation_quote_is_the_fee_the_cancel_charges(world, company):
    # 31 hours before the start: the default policy's 50% tier, by hand 600.00 of 1200.00
    booking = _book(world.sets[0], at(8, 16), world=world, total_price=Decimal("1200.00"))
    quote = _get(company, f"/app/productions/bookings/{booking.pk}/cancellation-quote/")
    assert quote.status_code == 200
    assert 'data-quote-fee="600.00"' in quote.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED  # the quote wrote nothing

    with pin_now(NOW):
        cancelled = company.post(f"/app/productions/bookings/{booking.pk}/cancel/", {"reason": "改期"})
    assert cancelled.status_code == 200
    assert cancelled["HX-Trigger"] == "production-changed"
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_fee) == (Status.CANCELLED, Decimal("600.00"))
    assert 'data-fee-charged="600.00"' in cancelled.content.decode()

    # the fee now counts in the spend; cancelling again is refused in place (409), nothing changes
    assert _get(company, f"/app/productions/{world.production.pk}/spend.json").json()["fees"] == "600.00"
    with pin_now(NOW):
        again = company.post(f"/app/productions/bookings/{booking.pk}/cancel/")
    assert again.status_code == 409
    assert 'role="alert"' in again.content.decode()
    assert _get(company, f"/app/productions/bookings/{booking.pk}/cancellation-quote/").status_code == 409


def test_a_booking_is_moved_in_place_and_a_refusal_shows_there(world, company):
    booking = _book(world.sets[0], at(8, 8), world=world)
    _book(world.sets[0], at(9, 8), world=world)  # in the way of a move to the 9th
    url = f"/app/productions/bookings/{booking.pk}/reschedule/"
    with pin_now(NOW):
        bad = company.post(url, {"starts_at": "2026-12-08T12:00", "ends_at": "2026-12-08T10:00"})
        taken = company.post(url, {"starts_at": "2026-12-09T09:00", "ends_at": "2026-12-09T11:00"})
        moved = company.post(url, {"starts_at": "2026-12-10T09:00", "ends_at": "2026-12-10T11:00"})
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    assert taken.status_code == 409 and 'data-error-code="' in taken.content.decode()
    assert moved.status_code == 200
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at) == (at(10, 9), at(10, 11))


def test_the_page_shows_bookings_by_day_the_review_state_and_where_it_may_book(world, company):
    held = _book(world.sets[0], at(8, 8), world=world, status=Status.HELD)
    _book(world.sets[1], at(9, 8), world=world)
    ReviewSubmissionFactory(
        production=world.production,
        centre=ReviewCentreFactory(),
        stage=ReviewSubmission.Stage.PRELIMINARY_REVIEW,
        kind=ReviewSubmission.Kind.PLANNING_DOSSIER,
        tier="key",
    )
    html = _get(company, f"/app/productions/{world.production.pk}/").content.decode()
    assert html.index('data-day="2026-12-08"') < html.index('data-day="2026-12-09"')
    assert f'data-booking-id="{held.pk}" data-status="held"' in html
    assert 'class="countdown" data-deadline="' in html
    assert 'data-stage="preliminary_review"' in html
    # base 2 waits for preliminary review; the operator's base does not
    gated = html.split("data-gated-bases>")[1].split("</ul>")[0]
    assert (
        f'data-base-id="{world.extra["base2"].pk}"' in gated
        and f'data-base-id="{world.base.pk}"' not in gated
    )

    submission = ReviewSubmission.objects.get(production=world.production)
    ReviewSubmission.objects.filter(pk=submission.pk).update(
        stage=ReviewSubmission.Stage.APPROVED, filing_number="剧备2026-001"
    )
    html = _get(company, f"/app/productions/{world.production.pk}/").content.decode()
    assert 'data-may-book="all"' in html and "剧备2026-001" in html


def test_the_list_links_to_the_companys_productions_only(world, company):
    html = _get(company, "/app/productions/").content.decode()
    assert f'href="/app/productions/{world.production.pk}/"' in html
    assert f'href="/app/productions/{world.productions[1].pk}/"' not in html
    assert 'href="/app/productions/"' in html  # the menu


@pytest.mark.parametrize("path", ["", "spend.json", "spend.csv"])
def test_the_production_pages_take_the_same_number_of_queries_whatever_their_size(world, company, path):
    def count():
        with CaptureQueriesContext(connection) as captured, pin_now(NOW):
            assert company.get(f"/app/productions/{world.production.pk}/{path}").status_code == 200
        return len(captured.captured_queries)

    for day in (8, 9):
        _book(world.sets[0], at(day, 8), world=world)
    small = count()
    for day in range(10, 27):
        _book(world.sets[day % 3], at(day, 8), world=world, status=Status.COMPLETED)
        _book(
            world.extra["set2"],
            at(day, 14),
            world=world,
            status=Status.CANCELLED,
            cancellation_fee=Decimal(1),
        )
    ReviewSubmissionFactory(production=world.production, centre=ReviewCentreFactory())
    assert count() == small


def test_the_production_page_speaks_english_on_request(world, company):
    _book(world.sets[0], at(8, 8), world=world)
    url = f"/app/productions/{world.production.pk}/"
    assert "场地花费" in _get(company, url).content.decode()
    english = _get(company, url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Spend on sets" in english and "场地花费" not in english


def test_the_company_sees_its_own_review_timings_in_working_days(world, company):
    """Approved across National Day 2026 (1–7 Oct off, Saturday 10 Oct worked): 4 working days, not 8."""
    centre = ReviewCentreFactory()
    approved = ReviewSubmissionFactory(
        production=world.production,
        centre=centre,
        stage=ReviewSubmission.Stage.APPROVED,
        filing_number="剧备2026-002",
        kind=ReviewSubmission.Kind.PLANNING_DOSSIER,
    )
    open_one = ReviewSubmissionFactory(
        production=world.production,
        centre=centre,
        stage=ReviewSubmission.Stage.CONTENT_AUDIT,
        kind=ReviewSubmission.Kind.FINISHED_CUT,
    )
    ReviewSubmission.objects.filter(pk=approved.pk).update(
        submitted_at=datetime(2026, 9, 30, 10, 0, tzinfo=TZ),
        decided_at=datetime(2026, 10, 12, 16, 0, tzinfo=TZ),
    )
    # submitted on Tuesday 1 December, still open on Monday 7 December (NOW): 4 working days so far
    ReviewSubmission.objects.filter(pk=open_one.pk).update(
        submitted_at=datetime(2026, 12, 1, 10, 0, tzinfo=TZ), decided_at=None
    )
    html = _get(company, f"/app/productions/{world.production.pk}/").content.decode()
    row = html.split(f'data-submission-id="{approved.pk}"')[1].split("</tr>")[0]
    assert 'data-working-days="4"' in row and "2026-09-30" in row and "2026-10-12" in row
    row = html.split(f'data-submission-id="{open_one.pk}"')[1].split("</tr>")[0]
    assert 'data-working-days="4"' in row and "迄今 4" in row
    # another company's submission to the same centre is not on the page
    other = ReviewSubmissionFactory(production=world.productions[1], centre=centre)
    assert (
        f'data-submission-id="{other.pk}"'
        not in _get(company, f"/app/productions/{world.production.pk}/").content.decode()
    )
