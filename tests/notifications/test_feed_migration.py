"""notifications.0004_move_feed_tokens: every feed URL handed out before the move still works after, and back.

Runs the real migrations on the test database (``MigrationExecutor``): back to the three old token
tables, rows in them, forward again, then the old URLs through the API; and the way back restores them.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import FeedToken
from tests.crews.factories import PersonFactory
from tests.factories import CompanyFactory, SetFactory

BEFORE = [
    ("notifications", "0003_feedtoken"),
    ("bookings", "0002_waitlist_offer_hold"),
    ("crews", "0001_initial"),
    ("locations", "0004_base_check_in_lead_minutes"),
]
ISSUED = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def _migrate(targets):
    """Migrate to ``targets`` and return the models as they are there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_tokens_move_into_one_table_and_every_old_url_keeps_working(api):
    company, other_company = CompanyFactory(), CompanyFactory()
    set_, other_set = SetFactory(), SetFactory()
    person, tokenless = PersonFactory(company=company), PersonFactory(company=company)
    try:
        old = _migrate(BEFORE)
        CalendarFeed = old.get_model("locations", "CalendarFeed")
        BookingFeed = old.get_model("bookings", "BookingFeed")
        # ids with a gap, as after a revoked feed: they must survive, and new ids follow the highest
        CalendarFeed.objects.create(
            id=7, organization_id=company.pk, set_id=set_.pk, token="set-feed-company"
        )
        CalendarFeed.objects.create(
            id=9, organization_id=other_company.pk, set_id=other_set.pk, token="set-feed-other"
        )
        BookingFeed.objects.create(organization_id=company.pk, token="bookings-feed-company")
        CalendarFeed.objects.update(created_at=ISSUED)
        BookingFeed.objects.update(created_at=ISSUED)
        old.get_model("crews", "Person").objects.filter(pk=person.pk).update(feed_token="person-feed")

        _migrate(_latest())

        moved = {feed.token: feed for feed in FeedToken.objects.all()}
        assert sorted(moved) == ["bookings-feed-company", "person-feed", "set-feed-company", "set-feed-other"]
        assert (moved["set-feed-company"].pk, moved["set-feed-other"].pk) == (7, 9)
        described = {
            token: (feed.kind, feed.organization_id, feed.set_id, feed.person_id)
            for token, feed in moved.items()
        }
        assert described == {
            "set-feed-company": ("set", company.pk, set_.pk, None),
            "set-feed-other": ("set", other_company.pk, other_set.pk, None),
            "bookings-feed-company": ("bookings", company.pk, None, None),
            "person-feed": ("person", company.pk, None, person.pk),
        }
        assert {
            moved[t].created_at for t in ("set-feed-company", "set-feed-other", "bookings-feed-company")
        } == {ISSUED}
        anonymous = api()
        for url in (
            f"/api/v1/sets/{set_.pk}/calendar.ics?token=set-feed-company",
            f"/api/v1/sets/{other_set.pk}/calendar.ics?token=set-feed-other",
            "/api/v1/bookings/calendar.ics?token=bookings-feed-company",
            "/api/v1/people/calendar.ics?token=person-feed",
        ):
            assert anonymous.get(url).status_code == 200, url
        assert (
            anonymous.get(f"/api/v1/sets/{other_set.pk}/calendar.ics?token=set-feed-company").status_code
            == 404
        )
        # the next feed gets a fresh id after the kept ones, not a kept one
        assert FeedToken.objects.create(kind="bookings", organization=other_company, token="new").pk > 9

        FeedToken.objects.filter(token="new").delete()
        back = _migrate(BEFORE)

        restored = back.get_model("locations", "CalendarFeed").objects.order_by("pk")
        assert [(feed.pk, feed.token, feed.created_at) for feed in restored] == [
            (7, "set-feed-company", ISSUED),
            (9, "set-feed-other", ISSUED),
        ]
        bookings_feeds = back.get_model("bookings", "BookingFeed").objects.all()
        assert [(feed.organization_id, feed.token, feed.created_at) for feed in bookings_feeds] == [
            (company.pk, "bookings-feed-company", ISSUED)
        ]
        people = back.get_model("crews", "Person").objects.filter(pk__in=[person.pk, tokenless.pk])
        assert dict(people.values_list("pk", "feed_token")) == {person.pk: "person-feed", tokenless.pk: None}
    finally:
        _migrate(_latest())


@pytest.mark.django_db(transaction=True)
def test_a_token_found_in_two_old_tables_stops_the_move_and_changes_nothing():
    company = CompanyFactory()
    person = PersonFactory(company=company)
    try:
        old = _migrate(BEFORE)
        old.get_model("bookings", "BookingFeed").objects.create(organization_id=company.pk, token="same")
        old.get_model("crews", "Person").objects.filter(pk=person.pk).update(feed_token="same")

        with pytest.raises(RuntimeError, match="more than one of the old feed tables"):
            _migrate(_latest())

        old.get_model("crews", "Person").objects.filter(pk=person.pk).update(feed_token="different")
        assert old.get_model("bookings", "BookingFeed").objects.get().token == "same"
    finally:
        _migrate(_latest())
    assert sorted(FeedToken.objects.values_list("token", flat=True)) == ["different", "same"]
