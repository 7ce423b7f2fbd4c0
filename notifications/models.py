import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.messages.base import event_type_label
from studio.models import Organization


class AppendOnlyError(Exception):
    """An event was about to be changed or deleted through the ORM: the event log is append-only."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Events are append-only: they cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Events are append-only: they cannot be deleted.")

    update.queryset_only = True
    delete.queryset_only = True


class Event(models.Model):
    """Something that happened in an organisation, recorded once and never changed (append-only)."""

    type = models.CharField(_("type"), max_length=100)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="events", verbose_name=_("organisation")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    subject_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject type"),
    )
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    audience = models.ManyToManyField(
        Organization,
        through="EventAudience",
        related_name="+",
        blank=True,
        verbose_name=_("audience"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="event_org_created"),
            models.Index(fields=["type", "-created_at"], name="event_type_created"),
            models.Index(fields=["subject_type", "subject_id"], name="event_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_type__isnull=True, subject_id="")
                | (Q(subject_type__isnull=False) & ~Q(subject_id="")),
                name="event_subject_type_and_id_together",
            ),
            models.CheckConstraint(condition=~Q(type=""), name="event_type_not_empty"),
        ]

    def __str__(self):
        # people read the type's name (the admin's delivery list); the code stays in the API and webhooks
        return f"{event_type_label(self.type)} #{self.pk}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Events are append-only: they cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Events are append-only: they cannot be deleted.")

    @property
    def subject_label(self) -> str:
        if self.subject_type_id is None:
            return ""
        subject_type = ContentType.objects.get_for_id(self.subject_type_id)
        app_label = PUBLISHED_APP_LABELS.get(subject_type.app_label, subject_type.app_label)
        return f"{app_label}.{subject_type.model}:{self.subject_id}"


#: The subject labels events carry are part of the API and the webhooks' contract: a model that moved to
#: another app keeps the label it was published under (review's models lived in ``studio`` until 2026-11).
PUBLISHED_APP_LABELS = {"review": "studio"}


class EventAudience(models.Model):
    """An organisation an event is addressed to: it may read the event and its members are notified."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )

    class Meta:
        verbose_name = _("event audience")
        verbose_name_plural = _("event audiences")
        constraints = [
            models.UniqueConstraint(fields=["event", "organization"], name="event_audience_unique"),
        ]
        indexes = [models.Index(fields=["organization", "event"], name="event_audience_org")]

    def __str__(self):
        return f"{self.event_id} → {self.organization_id}"


class WebhookEndpoint(models.Model):
    """An HTTPS address of an organisation that receives its events (Standard Webhooks or a WeCom robot)."""

    class Kind(models.TextChoices):
        STANDARD = "standard", _("Standard Webhooks")
        WECOM = "wecom", _("WeCom group robot")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STANDARD)
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    event_types = models.JSONField(
        _("subscribed event types"),
        default=list,
        blank=True,
        help_text=_('Event types to send, e.g. "booking.confirmed" or "booking.*"; empty means all.'),
    )
    is_active = models.BooleanField(pgettext_lazy("switch", "active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="webhook_endpoint_unique_name"),
            models.CheckConstraint(condition=Q(secret__startswith="whsec_"), name="webhook_endpoint_secret"),
        ]

    def __str__(self):
        return self.name

    def subscribes_to(self, event_type: str) -> bool:
        if not self.event_types:
            return True
        for pattern in self.event_types:
            if pattern == event_type or (pattern.endswith(".*") and event_type.startswith(pattern[:-1])):
                return True
        return False


class Delivery(models.Model):
    """One event sent to one recipient over one channel: the transactional outbox row."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        WEBHOOK = "webhook", _("webhook")
        WECOM = "wecom", _("WeCom robot")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RETRYING = "retrying", _("retrying")
        SENT = "sent", _("sent")
        DEAD = "dead", _("dead")

    OPEN_STATUSES = (Status.PENDING, Status.RETRYING)

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("event")
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="notification_deliveries",
        verbose_name=_("recipient organisation"),
    )
    to_address = models.EmailField(_("email address"), blank=True)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("webhook endpoint"),
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    # set while an attempt is under way; still set when the next one starts, that attempt was cut short
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    message_id = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="delivery_org_created"),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "retrying"]),
                name="delivery_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "to_address"],
                condition=Q(channel="email"),
                name="delivery_unique_event_email",
            ),
            models.UniqueConstraint(
                fields=["event", "endpoint"],
                condition=Q(endpoint__isnull=False),
                name="delivery_unique_event_endpoint",
            ),
            models.CheckConstraint(
                condition=(Q(channel="email") & ~Q(to_address="") & Q(endpoint__isnull=True))
                | (Q(channel__in=["webhook", "wecom"]) & Q(to_address="")),
                name="delivery_channel_target",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="delivery_sent_at_iff_sent",
            ),
        ]

    def __str__(self):
        target = self.to_address or self.endpoint_id
        return f"{self.get_channel_display()} {target} ({self.get_status_display()})"


class FeedToken(models.Model):
    """One private iCalendar feed, reached by the unguessable token in its URL.

    A feed is its ``kind``, the organisation it belongs to and, for two kinds, the object it shows (a set
    or a person); its URL carries ``token``, the only key. The set and person are real foreign keys named
    by string (the database cascades and checks them), so notifications imports none of the apps whose
    feeds it holds: ``locations``, ``bookings`` and ``crews`` all call its services without an import cycle.
    """

    class Kind(models.TextChoices):
        BOOKINGS = "bookings", _("company bookings")
        SET = "set", _("set busy times")
        PERSON = "person", _("person's call times")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="feed_tokens", verbose_name=_("organisation")
    )
    set = models.ForeignKey(
        "locations.Set",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feed_tokens",
        verbose_name=_("set"),
    )
    person = models.ForeignKey(
        "crews.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feed_tokens",
        verbose_name=_("person"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="bookings") & Q(set__isnull=True) & Q(person__isnull=True))
                | (Q(kind="set") & Q(set__isnull=False) & Q(person__isnull=True))
                | (Q(kind="person") & Q(set__isnull=True) & Q(person__isnull=False)),
                name="feed_token_target_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["organization"], condition=Q(kind="bookings"), name="feed_token_one_bookings_feed"
            ),
            models.UniqueConstraint(
                fields=["organization", "set"], condition=Q(kind="set"), name="feed_token_one_set_feed"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(kind="person"), name="feed_token_one_person_feed"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.set or self.person or self.organization}"
