"""factory_boy factories for every model the tests build."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from studio.models import Membership, Organization, Production

PASSWORD = "test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Organization.Kind.PRODUCTION_COMPANY
    name = factory.Sequence(lambda n: f"Organisation {n}")
    short_name = factory.Sequence(lambda n: f"Org{n}")
    province = "河南"
    city = "新乡"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.com")


class CompanyFactory(OrganizationFactory):
    kind = Organization.Kind.PRODUCTION_COMPANY
    name = factory.Sequence(lambda n: f"Company {n}")


class OperatorFactory(OrganizationFactory):
    kind = Organization.Kind.BASE_OPERATOR
    name = factory.Sequence(lambda n: f"Base operator {n}")


class ReviewCentreFactory(OrganizationFactory):
    kind = Organization.Kind.REVIEW_CENTRE
    name = factory.Sequence(lambda n: f"Review centre {n}")


class ZoneManagementFactory(OrganizationFactory):
    kind = Organization.Kind.ZONE_MANAGEMENT
    name = factory.Sequence(lambda n: f"Zone management {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(CompanyFactory)
    role = Membership.Role.COORDINATOR


class ProductionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Production

    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Production {n}")
    genre = Production.Genre.ROMANCE
    episode_count = 80
    minutes_per_episode = Decimal("1.5")
    total_investment = Decimal("800000.00")


def token_for(user) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


# notifications
from notifications.models import Delivery, Event, FeedToken, WebhookEndpoint  # noqa: E402
from notifications.webhooks import secret_generate  # noqa: E402


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    type = "production.updated"
    organization = factory.SubFactory(CompanyFactory)
    payload = factory.LazyFunction(lambda: {"changed": ["title"]})


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    organization = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Endpoint {n}")
    url = factory.Sequence(lambda n: f"https://hooks.example.com/{n}")
    kind = WebhookEndpoint.Kind.STANDARD
    secret = factory.LazyFunction(secret_generate)


class DeliveryFactory(factory.django.DjangoModelFactory):
    """An email delivery by default; pass ``endpoint=`` and ``channel=`` for a webhook."""

    class Meta:
        model = Delivery

    event = factory.SubFactory(EventFactory)
    channel = Delivery.Channel.EMAIL
    organization = factory.LazyAttribute(
        lambda d: d.endpoint.organization if d.endpoint else d.event.organization
    )
    endpoint = None
    to_address = factory.LazyAttributeSequence(lambda d, n: "" if d.endpoint else f"notify{n}@example.com")


# locations
from datetime import time as _time  # noqa: E402
from datetime import timedelta as _timedelta  # noqa: E402

from django.utils import timezone as _timezone  # noqa: E402

from locations.models import Base, Blackout, OpeningHours, Place, Set, SetPhoto, TravelTime, Zone  # noqa: E402


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Zone {n}")
    city = "新乡"
    detour_factor = Decimal("1.40")
    average_speed_kmh = Decimal("30.0")
    walk_minutes = 3
    circle_minutes = 15


class BaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Base

    operator = factory.SubFactory(OperatorFactory)
    zone = factory.SubFactory(ZoneFactory)
    name = factory.Sequence(lambda n: f"Base {n}")
    latitude = Decimal("35.190000")
    longitude = Decimal("113.960000")


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    base = factory.SubFactory(BaseFactory)
    weekday = 0
    opens = _time(6, 0)
    closes = _time(23, 0)


class SetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Set

    base = factory.SubFactory(BaseFactory)
    name = factory.Sequence(lambda n: f"Set {n}")
    kind = Set.Kind.HOSPITAL_WARD
    tags = factory.LazyFunction(lambda: ["都市"])
    area_sqm = 80
    crew_capacity = 35
    hourly_rate = Decimal("300.00")
    day_rate = Decimal("4500.00")
    day_length_hours = 14
    overtime_rate_per_hour = Decimal("300.00")
    deposit = Decimal("1000.00")


class SetPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SetPhoto

    set = factory.SubFactory(SetFactory)
    image = factory.django.ImageField(color="blue", width=64, height=48)


class BlackoutFactory(factory.django.DjangoModelFactory):
    """A set blackout by default; pass ``set=None, base=...`` for a whole base."""

    class Meta:
        model = Blackout

    set = factory.SubFactory(SetFactory)
    base = None
    starts_at = factory.LazyFunction(lambda: _timezone.now())  # looked up per call: a pinned clock applies
    ends_at = factory.LazyAttribute(lambda b: b.starts_at + _timedelta(hours=4))
    reason = "设备检修"


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    zone = factory.SubFactory(ZoneFactory)
    owner = factory.SubFactory(OperatorFactory)
    name = factory.Sequence(lambda n: f"Hotel {n}")
    kind = Place.Kind.HOTEL
    latitude = Decimal("35.200000")
    longitude = Decimal("113.950000")


def travel_time_for(*, owner, first, second, minutes: int) -> TravelTime:
    """A measured travel-time entry, stored in canonical order like the service does."""
    entry = TravelTime(owner=owner, minutes=minutes)
    entry.set_ends(first, second)
    entry.save()
    return entry


# review
import hashlib as _hashlib  # noqa: E402

from django.core.files.base import ContentFile  # noqa: E402

from review.models import Finding, ReviewSubmission, SubmissionDocument  # noqa: E402

PDF_BYTES = b"%PDF-1.4\n% demo dossier\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class ReviewSubmissionFactory(factory.django.DjangoModelFactory):
    """A draft submission; walk it through the workflow with ``review.services``."""

    class Meta:
        model = ReviewSubmission

    production = factory.SubFactory(ProductionFactory)
    centre = factory.SubFactory(ReviewCentreFactory)
    kind = ReviewSubmission.Kind.PLANNING_DOSSIER
    created_by = factory.SubFactory(UserFactory)


class SubmissionDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubmissionDocument

    submission = factory.SubFactory(ReviewSubmissionFactory)
    doc_type = SubmissionDocument.Type.SCRIPT
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="document.pdf"))
    original_name = "document.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = factory.LazyFunction(lambda: _hashlib.sha256(PDF_BYTES).hexdigest())
    uploaded_by = factory.SelfAttribute("submission.created_by")


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    submission = factory.SubFactory(ReviewSubmissionFactory)
    episode = 3
    timecode = "0:01:15"
    severity = Finding.Severity.MAJOR
    text = "第3集1分15秒：台词涉及不当引导，请修改。"
    created_by = factory.SubFactory(UserFactory)


# bookings
from bookings.models import Booking, WaitlistEntry  # noqa: E402


def _next_morning(days: int = 3):
    """08:00 local, ``days`` days from now: on every grid, within every default notice window."""
    local = _timezone.localtime() + _timedelta(days=days)
    return local.replace(hour=8, minute=0, second=0, microsecond=0)


class BookingFactory(factory.django.DjangoModelFactory):
    """A confirmed booking written directly (no rules checked); use ``bookings.services`` to test rules."""

    class Meta:
        model = Booking

    set = factory.SubFactory(SetFactory)
    production = factory.SubFactory(ProductionFactory)
    company = factory.SelfAttribute("production.company")
    status = Booking.Status.CONFIRMED
    starts_at = factory.LazyFunction(_next_morning)
    ends_at = factory.LazyAttribute(lambda b: b.starts_at + _timedelta(hours=4))
    turnover_minutes = factory.LazyAttribute(lambda b: b.set.effective_turnover_minutes)
    blocked_from = factory.LazyAttribute(lambda b: b.starts_at - _timedelta(minutes=b.turnover_minutes))
    blocked_until = factory.LazyAttribute(lambda b: b.ends_at + _timedelta(minutes=b.turnover_minutes))
    hold_expires_at = factory.LazyAttribute(
        lambda b: _timezone.now() + _timedelta(minutes=30) if b.status == Booking.Status.HELD else None
    )
    total_price = Decimal("1200.00")
    deposit = Decimal("1000.00")
    price_breakdown = factory.LazyFunction(
        lambda: {"currency": "CNY", "method": "hourly", "total": "1200.00"}
    )


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    set = factory.SubFactory(SetFactory)
    company = factory.SubFactory(CompanyFactory)
    starts_at = factory.LazyFunction(_next_morning)
    ends_at = factory.LazyAttribute(lambda w: w.starts_at + _timedelta(hours=4))


class FeedTokenFactory(factory.django.DjangoModelFactory):
    """A company's bookings feed by default; pass ``kind`` with ``set`` or ``person`` for the others."""

    class Meta:
        model = FeedToken

    kind = FeedToken.Kind.BOOKINGS
    organization = factory.SubFactory(CompanyFactory)
    token = factory.Sequence(lambda n: f"feed-token-{n:06d}-abcdefghijklmnop")
