"""The bookings admin: each participant sees its own rows; actions call the services and report refusals."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from bookings.models import Booking
from bookings.policies import BOOKING
from studio.models import Membership
from studio.policy import Actor
from tests.bookings.conftest import morning, pin_now
from tests.factories import (
    BaseFactory,
    BookingFactory,
    MembershipFactory,
    OperatorFactory,
    SetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _staff(world, organization):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organization=organization, role=Membership.Role.OWNER)
    return user


def test_operator_confirms_from_the_admin_and_a_refusal_is_a_message(client, world):
    held = BookingFactory(production=world.production, set=world.set, status=Booking.Status.HELD)
    done = BookingFactory(production=world.production, set=world.sets[1], status=Booking.Status.CANCELLED)
    foreign = BookingFactory(status=Booking.Status.HELD)
    client.force_login(_staff(world, world.operator))
    listing = client.get(reverse("admin:bookings_booking_changelist"))
    assert listing.status_code == 200
    shown = {row.pk for row in listing.context["cl"].queryset}
    assert shown == {held.pk, done.pk}
    response = client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "confirm", "_selected_action": [held.pk, done.pk]},
        follow=True,
    )
    assert response.status_code == 200
    held.refresh_from_db()
    assert held.status == Booking.Status.CONFIRMED
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(f"#{done.pk}" in text for text in texts)
    response = client.get(reverse("admin:bookings_booking_change", args=[foreign.pk]))
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # as if missing


def test_a_booking_links_only_the_related_pages_its_reader_may_open(client, world):
    """The operator may open the set's page but not the company's production: its name is plain text
    (Django would link it to a 403); the company sees the reverse; a superuser gets both links."""
    booking = BookingFactory(production=world.production, set=world.set, status=Booking.Status.CONFIRMED)
    page = reverse("admin:bookings_booking_change", args=[booking.pk])
    set_url = reverse("admin:locations_set_change", args=[world.set.pk])
    production_url = reverse("admin:studio_production_change", args=[world.production.pk])
    readers = {
        "operator": _staff(world, world.operator),
        "company": _staff(world, world.company),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    links = {}
    for name, user in readers.items():
        client.force_login(user)
        html = client.get(page).content.decode()
        links[name] = {url for url in (set_url, production_url) if f'href="{url}"' in html}
        for url in links[name]:
            assert client.get(url).status_code == 200, (name, url)
    assert links == {
        "operator": {set_url},
        "company": {production_url},
        "superuser": {set_url, production_url},
    }


def test_the_booking_page_says_the_price_breakdown_in_words_not_json(client, world):
    hourly = {"hours": "4.00", "rate": "300.00", "amount": "1200.00"}
    booking = BookingFactory(
        production=world.production,
        set=world.set,
        status=Booking.Status.CONFIRMED,
        price_breakdown={"method": "hourly", "hourly": hourly, "total": "1200.00", "currency": "CNY"},
    )
    client.force_login(_staff(world, world.operator))
    html = client.get(reverse("admin:bookings_booking_change", args=[booking.pk])).content.decode()
    assert "&quot;method&quot;" not in html
    assert "4.00 小时 × 每小时 ¥300.00" in html


def test_company_sees_its_own_bookings_only(client, world):
    mine = BookingFactory(production=world.production, set=world.set)
    BookingFactory(production=world.productions[1], set=world.sets[1])
    client.force_login(_staff(world, world.company))
    listing = client.get(reverse("admin:bookings_booking_changelist"))
    assert {row.pk for row in listing.context["cl"].queryset} == {mine.pk}


def _base_choices(listing) -> set[str]:
    for spec in listing.context["cl"].filter_specs:
        if getattr(spec, "field_path", None) == "set__base":
            return {label for _pk, label in spec.lookup_choices}
    return set()


def test_the_base_filter_offers_the_operators_own_bases_only(client, world):
    second = SetFactory(base=BaseFactory(operator=world.operator, name="平原二号基地"))
    rival = SetFactory(base=BaseFactory(name="别家基地"))
    BookingFactory(production=world.production, set=world.set)
    BookingFactory(production=world.productions[1], set=second)
    BookingFactory(production=world.productions[2], set=rival)
    client.force_login(_staff(world, world.operator))
    listing = client.get(reverse("admin:bookings_booking_changelist"))
    assert _base_choices(listing) == {"平原影视基地", "平原二号基地"}
    assert "别家基地" not in listing.content.decode()


def test_a_companys_base_filter_offers_the_bases_it_booked_only(client, world):
    elsewhere = SetFactory(base=BaseFactory(name="横店某基地"))
    BaseFactory(name="从未合作的基地")
    BookingFactory(production=world.production, set=world.set)
    BookingFactory(production=world.production, set=elsewhere)
    BookingFactory(production=world.productions[1], set=SetFactory(base=BaseFactory(name="别家订的基地")))
    client.force_login(_staff(world, world.company))
    listing = client.get(reverse("admin:bookings_booking_changelist"))
    assert _base_choices(listing) == {"平原影视基地", "横店某基地"}


# --- the actions follow the API's rules (bookings.policies.BOOKING) ---------------------------------------


def _offered(client) -> set[str]:
    listing = client.get(reverse("admin:bookings_booking_changelist"))
    assert listing.status_code == 200
    form = listing.context["action_form"]  # None when no action is offered
    return {name for name, _label in form.fields["action"].choices if name} if form else set()


def _act(client, action, bookings, **data):
    return client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": action, "_selected_action": [booking.pk for booking in bookings], **data},
        follow=True,
    )


def _texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_each_participant_is_offered_the_actions_the_api_allows_it(client, world):
    BookingFactory(production=world.production, set=world.set)
    client.force_login(_staff(world, world.operator))
    assert _offered(client) == {"confirm", "decline", "check_in", "check_out", "no_show"}
    client.force_login(_staff(world, world.company))
    assert _offered(client) == {"cancel", "reschedule"}
    member = UserFactory(is_staff=True)
    MembershipFactory(user=member, organization=world.operator, role=Membership.Role.MEMBER)
    client.force_login(member)
    assert _offered(client) == set()


def test_a_company_cannot_confirm_its_own_hold_in_the_admin(client, world):
    held = BookingFactory(production=world.production, set=world.set, status=Booking.Status.HELD)
    client.force_login(_staff(world, world.company))
    _act(client, "confirm", [held])
    held.refresh_from_db()
    assert held.status == Booking.Status.HELD


def test_a_companys_member_who_operates_another_base_is_refused_confirm_on_the_companys_hold(client, world):
    """Offered "confirm" for the bases they operate, the runner still asks the rule for the membership in
    this booking's organisations: the company's, which may not confirm."""
    held = BookingFactory(production=world.production, set=world.set, status=Booking.Status.HELD)
    user = _staff(world, world.company)
    MembershipFactory(user=user, organization=OperatorFactory(), role=Membership.Role.OWNER)
    client.force_login(user)
    assert "confirm" in _offered(client)
    response = _act(client, "confirm", [held])
    held.refresh_from_db()
    assert held.status == Booking.Status.HELD
    membership = Membership.objects.get(user=user, organization=world.company)
    with translation.override("zh-hans"):
        refusal = str(BOOKING.refusal(Actor(user=user, membership=membership), "confirm"))
    assert _texts(response) == [f"#{held.pk}: {refusal}"]


def test_operator_marks_a_no_show_from_the_admin(client, world):
    starts = morning(days=3)
    booking = BookingFactory(
        production=world.production, set=world.set, starts_at=starts, ends_at=starts + timedelta(hours=4)
    )
    client.force_login(_staff(world, world.operator))
    with pin_now(starts + timedelta(hours=3)):
        response = _act(client, "no_show", [booking])
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW
    assert len(_texts(response)) == 1 and "1" in _texts(response)[0]


def test_company_reschedules_from_the_admin_after_the_form_page(client, world):
    starts = morning(days=3)
    booking = BookingFactory(
        production=world.production, set=world.set, starts_at=starts, ends_at=starts + timedelta(hours=4)
    )
    client.force_login(_staff(world, world.company))
    page = _act(client, "reschedule", [booking])
    assert [template.name for template in page.templates][0] == "admin/bookings/booking/reschedule.html"
    assert set(page.context["form"].fields) == {"starts_at", "ends_at"}
    new_start, new_end = morning(days=4), morning(days=4, hour=10)
    _act(
        client,
        "reschedule",
        [booking],
        apply="1",
        starts_at=new_start.strftime("%Y-%m-%d %H:%M"),
        ends_at=new_end.strftime("%Y-%m-%d %H:%M"),
    )
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at) == (new_start, new_end)
    assert booking.status == Booking.Status.CONFIRMED


def test_a_reschedule_the_service_refuses_is_a_message_naming_the_row(client, world):
    starts = morning(days=3)
    booking = BookingFactory(
        production=world.production, set=world.set, starts_at=starts, ends_at=starts + timedelta(hours=4)
    )
    client.force_login(_staff(world, world.company))
    response = _act(
        client,
        "reschedule",
        [booking],
        apply="1",
        starts_at=morning(days=4, hour=10).strftime("%Y-%m-%d %H:%M"),
        ends_at=morning(days=4, hour=8).strftime("%Y-%m-%d %H:%M"),
    )
    booking.refresh_from_db()
    assert booking.starts_at == starts
    texts = _texts(response)
    assert len(texts) == 1 and texts[0].startswith(f"#{booking.pk}: ")


# --- the list an operator searches: upcoming first, a base column, a date filter, constant queries --------

#: A Wednesday afternoon in Shanghai: "this week" is Monday 11-30 to Sunday 12-06.
LIST_AT = datetime(2026, 12, 2, 14, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _at(days: int, hour: int, hours: int = 4, **fields):
    start = LIST_AT.replace(hour=hour, minute=0) + timedelta(days=days)
    return {"starts_at": start, "ends_at": start + timedelta(hours=hours), **fields}


def _listed(client, query: str = "") -> list[int]:
    with pin_now(LIST_AT):
        listing = client.get(reverse("admin:bookings_booking_changelist") + query)
    assert listing.status_code == 200
    return [row.pk for row in listing.context["cl"].result_list]


def test_the_list_shows_what_is_to_come_soonest_first_then_the_past_latest_first(client, world):
    def book(**when):
        return BookingFactory(production=world.production, set=world.set, **when).pk

    later = book(**_at(5, 9))
    past_long_ago = book(**_at(-20, 9, status=Booking.Status.COMPLETED))
    ongoing = book(**_at(0, 12))  # 12:00–16:00, under way at 14:30
    tomorrow = book(**_at(1, 8))
    this_morning = book(**_at(0, 8, status=Booking.Status.COMPLETED))  # 08:00–12:00, over
    client.force_login(_staff(world, world.operator))
    assert _listed(client) == [ongoing, tomorrow, later, this_morning, past_long_ago]
    # a click on the column header still sorts by start, both ways
    assert _listed(client, "?o=1") == [past_long_ago, this_morning, ongoing, tomorrow, later]
    assert _listed(client, "?o=-1") == [later, tomorrow, ongoing, this_morning, past_long_ago]


def test_the_date_filter_offers_the_days_an_operator_asks_about(client, world):
    def book(days, hour, hours=4):
        return BookingFactory(production=world.production, set=world.set, **_at(days, hour, hours)).pk

    last_week = book(-7, 9)
    monday = book(-2, 9)
    this_morning = book(0, 8)
    overnight = book(0, 20, hours=14)  # 20:00 today to 10:00 tomorrow: both days'
    tomorrow = book(1, 12)
    sunday = book(4, 9)
    next_monday = book(5, 9)
    client.force_login(_staff(world, world.operator))
    assert set(_listed(client, "?when=today")) == {this_morning, overnight}
    assert set(_listed(client, "?when=tomorrow")) == {overnight, tomorrow}
    assert set(_listed(client, "?when=this_week")) == {monday, this_morning, overnight, tomorrow, sunday}
    assert set(_listed(client, "?when=next_week")) == {next_monday}
    assert set(_listed(client, "?when=upcoming")) == {overnight, tomorrow, sunday, next_monday}
    assert set(_listed(client, "?when=past")) == {last_week, monday, this_morning}
    with translation.override("zh-hans"), pin_now(LIST_AT):
        page = client.get(reverse("admin:bookings_booking_changelist")).content.decode()
    assert "?when=this_week" in page


def test_the_list_has_compact_columns_with_the_base_and_local_times(client, world):
    BookingFactory(production=world.production, set=world.set, **_at(0, 20, hours=14))
    client.force_login(_staff(world, world.operator))
    with pin_now(LIST_AT):
        page = client.get(reverse("admin:bookings_booking_changelist")).content.decode()
    for column in ("when", "set", "base", "production", "company", "status"):
        assert f'class="column-{column}' in page or f"column-{column}" in page, column
    assert "total_price" not in page
    assert "2026-12-02" in page and "20:00–12-03 10:00" in page  # local times, the end on its own day
    assert world.base.name in page


def test_the_list_makes_the_same_queries_for_two_bookings_or_twenty(client, world):
    """Each row's set, base, production and company come with the page, not one query per row."""

    def add(first, last):
        for index in range(first, last):
            BookingFactory(
                production=world.productions[index % 3],
                set=world.sets[index % 3],
                **_at(index // 3 - 2, 8 + 3 * (index % 3), hours=2),
            )

    def queries() -> tuple[int, int]:
        with pin_now(LIST_AT), CaptureQueriesContext(connection) as captured:
            listing = client.get(url)
        assert listing.status_code == 200
        return len(captured), len(listing.context["cl"].result_list)

    client.force_login(_staff(world, world.operator))
    url = reverse("admin:bookings_booking_changelist") + "?when=this_week&status__exact=confirmed"
    add(0, 2)
    with pin_now(LIST_AT):
        client.get(url)  # the session's first use writes it
    few, shown = queries()
    assert shown == 2
    add(2, 20)
    assert queries() == (few, 20)


def test_operator_declines_from_the_admin_after_the_reason_page(client, world):
    held = BookingFactory(production=world.production, set=world.set, status=Booking.Status.HELD)
    client.force_login(_staff(world, world.operator))
    page = _act(client, "decline", [held])
    assert [template.name for template in page.templates][0] == "admin/bookings/booking/decline.html"
    assert set(page.context["form"].fields) == {"reason"}
    held.refresh_from_db()
    assert held.status == Booking.Status.HELD  # nothing happens before the reason is given
    response = _act(client, "decline", [held], apply="1", reason="The set is being repainted.")
    held.refresh_from_db()
    assert (held.status, held.decline_reason) == (Booking.Status.DECLINED, "The set is being repainted.")
    with translation.override("zh-hans"):  # the admin's language
        assert str(page.context["title"]) == gettext("Decline the selected holds")
        assert _texts(response) == [gettext("%(n)d booking(s) declined.") % {"n": 1}]
