"""seed_demo: the zone it builds (its bookings, crews and review history too), that it breaks no rule the
real data obeys, that a second run creates nothing, and that it refuses production.

The zone is seeded once for the session (``seeded``, several seconds; no other module seeds it) in a
transaction that is rolled back at the module's end, with the clock pinned at ``SEEDED_AT`` until then;
each test runs in a savepoint inside it (pytest-django's ``django_db``), so what a test seeds or changes
on top is undone before the next one and nothing reaches other modules.
"""

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from bookings import conf, pricing, rules
from bookings import demo as bookings_demo
from bookings.models import Booking, WaitlistEntry
from crews.conflicts import shoot_day_warnings
from crews.models import Call, Crew, CrewMember, Scene, ShootDay, Stop
from crews.selectors import shoot_day_loaded
from locations.demo import ZONE_NAME
from locations.models import Base, Blackout, Set, Zone
from review.calendar import WorkingDayCalendar
from review.models import ReviewSubmission, SubmissionDocument, SubmissionHistory
from studio import demo
from studio.demo_logins import DEMO_LOGINS
from studio.management.commands import seed_demo
from studio.models import Membership, Organization, Production
from tests.bookings.race import overlapping_pairs
from tests.clock import pin_now

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.usefixtures("seeded")]

#: The module's clock: a Wednesday at 14:30, when the day's 08:00–14:00 crews have just left.
SEEDED_AT = datetime(2026, 12, 2, 14, 30, tzinfo=ZoneInfo("Asia/Shanghai"))

#: Rows that record activity rather than demo data (the first login writes them, not the seeder).
ACTIVITY_MODELS = {"sessions.session", "axes.accessattempt", "axes.accesslog", "studio.idempotencyrecord"}


@pytest.fixture(autouse=True)
def _debug_on_and_fast_hashing(settings):
    """The test runner turns DEBUG off; the seeder is meant for development, where it is on."""
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The zone, seeded once at ``SEEDED_AT`` (DEBUG on, as in development) in a transaction rolled back
    after the module; the clock stays at ``SEEDED_AT`` for the module's tests.

    ``output`` is the first run's output; ``migrated`` the tables that held rows before it (the data
    the migrations bring, such as the tier rules), which ``empty_database`` keeps."""
    development = override_settings(
        DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), development, pin_now(SEEDED_AT), transaction.atomic():
        migrated = tables_with_rows()
        yield SimpleNamespace(output=seed(), migrated=migrated)
        transaction.set_rollback(True)


def tables_with_rows() -> set[str]:
    with connection.cursor() as cursor:
        found = set()
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone():
                found.add(table)
        return found


def empty_database(seeded) -> None:
    """Back to the freshly migrated database, inside the test's savepoint (the module's zone comes back
    when it is rolled back): every table that was empty before the seed is emptied again."""
    tables = [
        t for t in connection.introspection.django_table_names(only_existing=True) if t not in seeded.migrated
    ]
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:  # TRUNCATE refuses tables with foreign-key checks still deferred: run them first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in connection.ops.sql_flush(no_style(), tables):
            cursor.execute(statement)
        if postgresql:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert not Organization.objects.exists()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in ACTIVITY_MODELS
    }


def test_zone_has_a_review_centre_three_operators_its_management_and_sixty_companies():
    kinds = Organization.Kind
    centres = Organization.objects.filter(kind=kinds.REVIEW_CENTRE)
    assert [c.name for c in centres] == ["平原示范区微短剧审查服务分中心"]
    assert Organization.objects.filter(kind=kinds.BASE_OPERATOR).count() == 3
    companies = Organization.objects.filter(kind=kinds.PRODUCTION_COMPANY)
    assert companies.count() == 60  # twelve resident companies and 48 that come to shoot
    assert set(companies.values_list("name", flat=True)) >= {name for name, _short, _city in demo.COMPANIES}
    assert all(c.name.endswith("有限公司") and c.licence_number for c in companies)
    [management] = Organization.objects.filter(kind=kinds.ZONE_MANAGEMENT)
    zone = Zone.objects.get(name=ZONE_NAME)
    assert (zone.management, zone.review_centre) == (management, centres.get())


def test_zone_productions_are_realistic_and_span_every_tier_threshold():
    resident = Production.objects.filter(company__name__in=[name for name, _short, _city in demo.COMPANIES])
    assert 24 <= resident.count() <= 48
    productions = list(Production.objects.all())
    assert 800 <= len(productions) <= 1400
    assert all(60 <= p.episode_count <= 100 for p in productions)
    assert all(Decimal("1") <= p.minutes_per_episode <= Decimal("3") for p in productions)
    assert all(p.planned_start <= p.planned_end for p in productions)
    investments = [p.total_investment for p in productions]
    # Both rule sets: ¥300k / ¥1M until 2025, ¥1M / ¥3M from 2026.
    assert min(investments) < 300_000
    assert any(300_000 <= i < 1_000_000 for i in investments)
    assert any(1_000_000 <= i < 3_000_000 for i in investments)
    assert max(investments) >= 3_000_000
    assert any(p.special_subject for p in productions)
    assert len({p.genre for p in productions}) >= 6
    assert Production.objects.filter(company__kind=Organization.Kind.PRODUCTION_COMPANY).count() == len(
        productions
    )


def test_demo_users_have_their_roles_flags_and_the_documented_password(seeded):
    output = seeded.output
    User = get_user_model()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    expected = {
        "operator1": (Organization.Kind.BASE_OPERATOR, Membership.Role.OWNER, True),
        "producer1": (Organization.Kind.PRODUCTION_COMPANY, Membership.Role.OWNER, True),
        "producer2": (Organization.Kind.PRODUCTION_COMPANY, Membership.Role.COORDINATOR, False),
        "reviewer1": (Organization.Kind.REVIEW_CENTRE, Membership.Role.REVIEWER, True),
        "zone1": (Organization.Kind.ZONE_MANAGEMENT, Membership.Role.MANAGER, False),
    }
    for username, (kind, role, is_staff) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(demo.DEMO_PASSWORD), username
        assert user.is_staff is is_staff and not user.is_superuser
        [membership] = user.memberships.all()
        assert (membership.organization.kind, membership.role) == (kind, role)
        assert username in output
    assert demo.DEMO_PASSWORD in output
    assert [name for name, _who in DEMO_LOGINS] == ["admin", *expected]  # what `make run` shows
    producer1, producer2 = (
        User.objects.get(username=n).memberships.get() for n in ("producer1", "producer2")
    )
    assert producer1.organization != producer2.organization
    assert producer1.organization.name == demo.COMPANIES[0][0]


def test_second_run_creates_nothing_new():
    first = row_counts()
    output = seed()
    assert row_counts() == first
    assert "(0 new)" in output


def test_second_run_restores_a_changed_demo_password_and_role():
    User = get_user_model()
    producer1 = User.objects.get(username="producer1")
    producer1.set_password("something-else")
    producer1.save()
    producer1.memberships.update(role=Membership.Role.MEMBER)
    seed()
    producer1.refresh_from_db()
    assert producer1.check_password(demo.DEMO_PASSWORD)
    assert producer1.memberships.get().role == Membership.Role.OWNER


def test_refuses_with_debug_off_unless_forced(settings, seeded, monkeypatch):
    empty_database(seeded)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert not Organization.objects.exists()
    monkeypatch.setattr(seed_demo, "SEEDERS", ["studio.demo"])  # the organisations are enough to tell
    seed("--force")
    assert Organization.objects.filter(kind=Organization.Kind.PRODUCTION_COMPANY).count() == 60


def test_producer1_sees_only_its_own_companys_productions():
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "producer1", "password": demo.DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    listed = client.get("/api/v1/productions/?page_size=200").json()
    company = Organization.objects.get(name=demo.COMPANIES[0][0])
    mine = set(Production.objects.filter(company=company).values_list("pk", flat=True))
    assert mine
    assert {p["id"] for p in listed["results"]} == mine
    assert Production.objects.exclude(company=company).exists()


def test_larger_scale_is_bulk_created_with_a_progress_bar_and_contains_the_zone(monkeypatch):
    monkeypatch.setitem(
        demo.SCALES,
        "province",
        demo.Scale(review_centres=3, operators=5, companies=240, productions_per_company=(3, 7)),
    )
    monkeypatch.setattr(demo, "PROGRESS_THRESHOLD", 100)
    monkeypatch.setattr(demo, "BATCH_SIZE", 100)
    zone_titles = set(Production.objects.values_list("company__name", "title"))
    output = seed("--scale", "province")
    companies = Organization.objects.filter(kind=Organization.Kind.PRODUCTION_COMPANY)
    assert companies.count() == 240
    assert len(set(companies.values_list("name", flat=True))) == 240
    assert Organization.objects.filter(kind=Organization.Kind.REVIEW_CENTRE).count() == 3
    assert "productions (companies) [##############################] 240/240" in output
    assert zone_titles <= set(Production.objects.values_list("company__name", "title"))
    assert get_user_model().objects.filter(username="producer240").exists()
    counts = row_counts()
    seed("--scale", "province")
    assert row_counts() == counts


def test_demo_organizations_are_in_generation_order():
    operators = demo.demo_organizations(Organization.Kind.BASE_OPERATOR, scale="zone")
    assert [o.name for o in operators] == [name for name, _short, _city in demo.OPERATORS]


# The bookings month (bookings/demo.py) -------------------------------------------------------------------


def test_demo_month_is_realistic_idempotent_and_never_overlaps():
    count = Booking.objects.count()
    assert count > 30 * 3 * 3
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert statuses >= {"completed", "confirmed", "held", "cancelled"}, statuses
    assert WaitlistEntry.objects.count() > 0
    assert overlapping_pairs() == 0
    assert bookings_demo.seed(scale="zone", stdout=StringIO(), now=SEEDED_AT) == [
        "Bookings: the demo months are already there."
    ]
    assert Booking.objects.count() == count


def test_demo_check_ins_and_outs_lie_in_their_windows():
    """Seeded at 14:30, when today's 08:00–14:00 crews have just left: no check-out after now."""
    now = SEEDED_AT
    bookings = Booking.objects.exclude(checked_in_at=None).select_related("set__base")
    assert bookings.filter(starts_at__date=now.date()).exists()
    for booking in bookings:
        lead = timedelta(minutes=booking.set.base.check_in_lead_minutes)
        assert booking.starts_at - lead <= booking.checked_in_at <= now, booking
        if booking.checked_out_at is not None:
            assert booking.checked_in_at <= booking.checked_out_at <= now, booking


# Every rule the real data obeys, checked over the seeded zone (issue 11 §7) -------------------------------


def test_today_shows_every_booking_state_at_every_demo_base():
    """Seeded at 14:30: the morning's crews are done (or never came), the long days are under way, the
    evening's are booked or held, and some were cancelled, declined or let lapse."""
    today = Booking.objects.filter(starts_at__date=SEEDED_AT.date(), note=bookings_demo.DEMO_NOTE)
    for base in Base.objects.filter(kind=Base.Kind.BASE, zone__name=ZONE_NAME):
        states = set(today.filter(set__base=base).values_list("status", flat=True))
        assert states == set(Booking.Status.values), (base.name, states)


def test_the_last_three_months_have_history():
    first = Booking.objects.order_by("starts_at").values_list("starts_at", flat=True).first()
    assert first.date() <= (SEEDED_AT - timedelta(days=90)).date()
    per_week = Counter(
        (SEEDED_AT.date() - b.date()).days // 7
        for b in Booking.objects.filter(starts_at__lt=SEEDED_AT).values_list("starts_at", flat=True)
    )
    assert all(per_week[week] >= 50 for week in range(13)), per_week


def test_every_booking_obeys_the_booking_rules():
    now = SEEDED_AT
    bookings = list(
        Booking.objects.select_related("set__base", "production").prefetch_related("set__base__opening_hours")
    )
    assert overlapping_pairs() == 0
    # the blackouts are checked in one query below rather than once a booking
    no_blackouts = mock.patch.object(rules.Blackout.objects, "filter", return_value=Blackout.objects.none())
    for booking in bookings:
        base = booking.set.base
        assert booking.deposit <= booking.total_price, booking
        assert booking.total_price == pricing.quote(booking.set, booking.starts_at, booking.ends_at).total
        # every rule of the base (duration, grid, notice, days ahead, opening hours) held when the booking
        # was asked for: when it was confirmed, or when its hold began (blackouts: one query, below)
        asked = booking.confirmed_at or booking.hold_expires_at - timedelta(minutes=base.hold_ttl_minutes)
        assert asked <= now, booking
        with no_blackouts:
            rules.check_window(booking.set, booking.starts_at, booking.ends_at, now=asked)
        if booking.status == Booking.Status.HELD:
            assert now < booking.hold_expires_at <= now + timedelta(minutes=base.hold_ttl_minutes), booking
            assert booking.starts_at >= rules.earliest_start(base, now), booking
        if booking.status in (Booking.Status.COMPLETED, Booking.Status.CHECKED_IN, Booking.Status.NO_SHOW):
            assert booking.starts_at <= now, booking
        if booking.status in (Booking.Status.HELD, Booking.Status.CONFIRMED) and booking.starts_at > now:
            assert booking.starts_at <= rules.latest_start(base, now), booking
        if booking.status == Booking.Status.NO_SHOW:
            assert booking.closed_at >= booking.starts_at + timedelta(minutes=conf.no_show_grace_minutes())
        # a production books while it can shoot: not in development in the past, not after its wrap ahead
        day = timezone.localdate(booking.starts_at)
        if day < now.date():
            assert booking.production.status != Production.Status.DEVELOPMENT, booking
        elif day > now.date():
            assert booking.production.status in bookings_demo.SHOOTS_AHEAD, booking
        else:
            assert booking.production.status in {Production.Status.PRE_PRODUCTION, Production.Status.SHOOTING}
    blacked_out = Blackout.objects.filter(
        Q(set=OuterRef("set")) | Q(base=OuterRef("set__base")),
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
    )
    assert not Booking.objects.filter(Exists(blacked_out)).exists()
    holds = Counter(
        Booking.objects.filter(
            status=Booking.Status.HELD, hold_expires_at__gt=now, waitlist_offer=False
        ).values_list("company_id", "set__base_id")
    )
    caps = dict(Base.objects.values_list("pk", "max_active_holds_per_company"))
    assert holds and all(count <= caps[base] for (_company, base), count in holds.items()), holds


def test_several_companies_shoot_a_week_with_no_warning_on_any_day():
    days = list(shoot_day_loaded(ShootDay.objects.filter(date__gt=SEEDED_AT.date())))
    companies = {day.crew.company_id for day in days}
    assert len(companies) >= 3
    for company in companies:
        assert sum(day.crew.company_id == company for day in days) == 7
    producer1 = Organization.objects.get(name=demo.COMPANIES[0][0])
    assert producer1.pk in companies  # producer1 signs in and sees a crew at work
    for day in days:
        assert day.crew.production.status in {Production.Status.PRE_PRODUCTION, Production.Status.SHOOTING}
        assert shoot_day_warnings(day) == [], (day.date, day.crew, shoot_day_warnings(day))
    outdoor = {Set.Kind.STREET, Set.Kind.ANCIENT_STREET, Set.Kind.COURTYARD}
    for scene in Scene.objects.all():
        assert (scene.setting == Scene.Setting.EXTERIOR) == (scene.set_kind in outdoor), scene
        if scene.setting == Scene.Setting.EXTERIOR:  # the stops run in daylight: no 夜 外
            assert scene.time_of_day == Scene.TimeOfDay.DAY, scene


def test_demo_review_documents_differ_like_uploads():
    """Each production's each document is its own file; a resubmission carries the unchanged ones over."""
    documents = SubmissionDocument.objects.values_list(
        "sha256", "size", "submission__production_id", "submission__kind", "doc_type"
    )
    assert len(documents) > 20
    files = {(production, kind, doc_type) for _sha, _size, production, kind, doc_type in documents}
    assert len({sha for sha, *_rest in documents}) == len(files)
    assert len({size for _sha, size, *_rest in documents}) > 1


# The zone's last six months (issue 15's demo): the figures a zone is judged by -----------------------------


def last_six_months() -> list[str]:
    """The current month and the five before it, as 'YYYY-MM' (the history starts on the first's first)."""
    first = bookings_demo.history_start(SEEDED_AT.date())
    months = []
    while first <= SEEDED_AT.date():
        months.append(f"{first:%Y-%m}")
        first = (first + timedelta(days=32)).replace(day=1)
    return months


def month_of(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m}"


def test_the_last_six_months_serve_over_a_hundred_crews_a_month_counted_either_way():
    """Crews served: distinct crews with a checked-in or completed booking in the zone that month, whether a
    booking reaches its crew through its production or through the stop of the shoot day it was shot on."""
    months = last_six_months()
    assert len(months) == 6
    served = Booking.objects.filter(
        status__in=[Booking.Status.CHECKED_IN, Booking.Status.COMPLETED], set__base__zone__name=ZONE_NAME
    )
    crew_of = dict(Crew.objects.values_list("production_id", "pk"))
    by_production, companies = defaultdict(set), defaultdict(set)
    for production_id, company_id, starts_at in served.values_list(
        "production_id", "company_id", "starts_at"
    ):
        companies[month_of(starts_at)].add(company_id)
        if production_id in crew_of:
            by_production[month_of(starts_at)].add(crew_of[production_id])
    by_stop = defaultdict(set)
    for crew_id, starts_at in Stop.objects.filter(booking__in=served).values_list(
        "crew_id", "booking__starts_at"
    ):
        by_stop[month_of(starts_at)].add(crew_id)
    for month in months[:-1]:  # the whole months
        assert by_production[month] == by_stop[month], month
        assert 100 <= len(by_stop[month]) <= 400, (month, len(by_stop[month]))
        assert len(companies[month]) >= 3, month
    assert len(companies[months[-1]]) >= 3
    midnight = datetime.combine(SEEDED_AT.date(), datetime.min.time(), tzinfo=SEEDED_AT.tzinfo)
    shot = served.filter(starts_at__lt=midnight)
    assert shot.count() > 4000 and not shot.filter(stops=None).exists()  # every past day has its shoot day


def test_each_of_the_last_six_months_has_spend_and_refused_lapsed_and_cancelled_requests():
    months = last_six_months()
    statuses, spend = defaultdict(Counter), Counter()
    for status, starts_at, total in Booking.objects.values_list("status", "starts_at", "total_price"):
        statuses[month_of(starts_at)][status] += 1
        if status in (Booking.Status.CHECKED_IN, Booking.Status.COMPLETED):
            spend[month_of(starts_at)] += total
    for month in months[:-1]:
        counts = statuses[month]
        assert counts[Booking.Status.COMPLETED] > 500, (month, counts)
        for status in (Booking.Status.DECLINED, Booking.Status.EXPIRED, Booking.Status.CANCELLED):
            assert 0 < counts[status] < counts[Booking.Status.COMPLETED] / 5, (month, counts)
        assert spend[month] > Decimal(1_000_000), (month, spend[month])  # hundreds of crews at ¥3,000+ a day


def test_every_request_was_made_before_it_was_answered_and_before_its_start():
    """created_at is when the crew asked: the zone's requests and lead times, and a booking's history on the
    board, read as they happened rather than all on the day of the seed."""
    made = Counter()
    rows = Booking.objects.values_list("pk", "created_at", "starts_at", "confirmed_at", "closed_at")
    for pk, created_at, starts_at, confirmed_at, closed_at in rows:
        assert created_at <= min(SEEDED_AT, starts_at), pk
        assert confirmed_at is None or created_at <= confirmed_at, pk
        assert closed_at is None or created_at <= closed_at, pk
        made[month_of(created_at)] += 1
    months = last_six_months()
    assert all(made[month] > 500 for month in months[:-1]) and made[months[-1]] > 0, made


def test_no_set_ever_holds_two_crews_at_once():
    """Completed and missed bookings kept their set too: no two overlap on a set, turnover included."""
    occupying = [*Booking.BLOCKING, Booking.Status.COMPLETED, Booking.Status.NO_SHOW]
    by_set = defaultdict(list)
    for set_id, start, end in Booking.objects.filter(status__in=occupying).values_list(
        "set_id", "blocked_from", "blocked_until"
    ):
        by_set[set_id].append((start, end))
    for set_id, windows in by_set.items():
        windows.sort()
        for (_start, end), (next_start, _end) in zip(windows, windows[1:], strict=False):
            assert end <= next_start, (set_id, end, next_start)


def test_the_past_shoot_days_are_wrapped_on_their_own_bookings_with_everyone_called():
    days = ShootDay.objects.filter(date__lt=SEEDED_AT.date())
    assert days.count() > 3000
    assert set(days.values_list("status", flat=True)) == {ShootDay.Status.WRAPPED}
    for stop in Stop.objects.filter(shoot_day__in=days).select_related("booking", "shoot_day__crew")[::97]:
        booking, day = stop.booking, stop.shoot_day
        assert booking.production_id == day.crew.production_id, stop
        assert (
            booking.status == Booking.Status.COMPLETED and timezone.localdate(booking.starts_at) == day.date
        )
        assert (stop.starts_at, stop.ends_at) == (booking.starts_at, booking.ends_at)
        assert day.call_at < stop.starts_at and stop.ends_at <= day.planned_wrap_at
    calls = Counter(Call.objects.filter(shoot_day__in=days).values_list("shoot_day_id", flat=True))
    rosters = Counter(CrewMember.objects.values_list("crew_id", flat=True))
    for day_id, crew_id in days.values_list("pk", "crew_id")[::53]:
        assert calls[day_id] == rosters[crew_id] >= 5, day_id
    # the rest between two days and the length of a day are as a scheduler would plan them; the visiting
    # companies' dossiers are not at the zone's centre, so a past day may carry the review reminder
    sample = shoot_day_loaded(days.filter(pk__in=list(days.values_list("pk", flat=True)[::61])))
    for day in sample:
        codes = {warning["code"] for warning in shoot_day_warnings(day)}
        assert codes <= {"script_not_reviewed"}, (day.date, day.crew, codes)


def test_the_centre_issues_filing_numbers_every_month_within_working_days():
    approved = ReviewSubmission.objects.filter(stage=ReviewSubmission.Stage.APPROVED).exclude(
        filing_number=None
    )
    months = Counter(month_of(s.decided_at) for s in approved)
    assert all(months[month] >= 1 for month in last_six_months()[:-1]), months
    calendar = WorkingDayCalendar.for_centre(Organization.objects.get(kind=Organization.Kind.REVIEW_CENTRE))
    for submission in approved:
        days = calendar.working_days_between(
            timezone.localdate(submission.submitted_at), timezone.localdate(submission.decided_at)
        )
        assert 1 <= days <= 15, (submission, days)
    # reviewers and companies act on working days only (weekends, holidays and 调休 Saturdays as they are)
    for at in SubmissionHistory.objects.values_list("at", flat=True):
        assert calendar.is_working_day(timezone.localdate(at))[0], at
