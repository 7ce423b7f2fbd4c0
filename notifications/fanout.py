"""An event's outbox rows in one PostgreSQL statement: the event, its audience and its deliveries.

``notifications.services.event_record`` decides who hears about an event; on PostgreSQL this module
writes what it decided with one ``INSERT … SELECT`` chain (data-modifying CTEs) instead of five ORM
statements (the event, the audience, the members' addresses, the webhook endpoints, the deliveries),
which cost a booking create about a fifth of its CPU in building and compiling SQL
(``docs/benchmarks.md``, "Create path"). The rows are the ORM path's (``fanout_orm`` below, still used
on SQLite), in the same order: members' emails first (one per address compared
case-insensitively, the first member by organisation and membership id wins), then the explicit
addresses the members did not already cover, then the subscribed webhook endpoints by id.
``tests/notifications/test_fanout.py`` compares both paths row by row.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction

from notifications.models import Delivery, Event, EventAudience, WebhookEndpoint
from studio.models import Membership, Organization

logger = logging.getLogger(__name__)

#: members of an audience organisation with these roles receive its emails
EMAIL_ROLES = (
    Membership.Role.OWNER,
    Membership.Role.MANAGER,
    Membership.Role.COORDINATOR,
    Membership.Role.REVIEWER,
)


def valid_email(address: str | None) -> str | None:
    """The address without surrounding blanks; None when blank or malformed (logged: the event goes on)."""
    address = (address or "").strip()
    if not address:
        return None
    try:
        validate_email(address)
    except ValidationError:
        logger.warning("skipped the malformed address %r", address)
        return None
    return address


def email_delivery(event: Event, organization_id: int, address: str) -> Delivery:
    """The outbox row of one email about ``event``, due at once."""
    return Delivery(
        event=event,
        channel=Delivery.Channel.EMAIL,
        organization_id=organization_id,
        to_address=address,
        language=settings.LANGUAGE_CODE,
        next_attempt_at=event.created_at,
    )


def _email_deliveries(*, event: Event, audience: list[Organization], emails: Iterable[str]) -> list[Delivery]:
    """One email per address (compared case-insensitively); members first, then the explicit addresses."""
    recipients: dict[str, tuple[str, int]] = {}
    if audience:
        members = (
            Membership.objects.filter(
                organization__in=audience, is_active=True, role__in=EMAIL_ROLES, user__is_active=True
            )
            .exclude(user__email="")
            .order_by("organization_id", "pk")
            .values_list("user__email", "organization_id")
        )
        for address, organization_id in members:
            recipients.setdefault(address.strip().lower(), (address.strip(), organization_id))
    for address in filter(None, map(valid_email, emails)):
        recipients.setdefault(address.lower(), (address, event.organization_id))
    return [
        email_delivery(event, organization_id, address) for address, organization_id in recipients.values()
    ]


def endpoint_delivery(*, event: Event, endpoint: WebhookEndpoint) -> Delivery:
    channel = (
        Delivery.Channel.WECOM if endpoint.kind == WebhookEndpoint.Kind.WECOM else Delivery.Channel.WEBHOOK
    )
    return Delivery(
        event=event,
        channel=channel,
        organization_id=endpoint.organization_id,
        endpoint=endpoint,
        language=settings.LANGUAGE_CODE,
        next_attempt_at=event.created_at,
    )


def _webhook_deliveries(*, event: Event, audience: list[Organization]) -> list[Delivery]:
    if not audience:
        return []
    endpoints = WebhookEndpoint.objects.filter(organization__in=audience, is_active=True).order_by("pk")
    return [
        endpoint_delivery(event=event, endpoint=endpoint)
        for endpoint in endpoints
        if endpoint.subscribes_to(event.type)
    ]


def explicit_emails(emails: Iterable[str]) -> list[str]:
    """The valid ``emails``, each address once (compared case-insensitively), in their order."""
    unique: dict[str, str] = {}
    for address in filter(None, map(valid_email, emails)):
        unique.setdefault(address.lower(), address)
    return list(unique.values())


def fanout_orm(*, event: Event, audience: list[Organization], emails: Iterable[str]) -> list[int]:
    """The event, its audience and its deliveries through the ORM (SQLite); the deliveries' ids."""
    # no savepoint: an error here must abort the caller's transaction anyway, and it saves two round trips
    with transaction.atomic(savepoint=False):
        event.save()
        if audience:
            EventAudience.objects.bulk_create(
                [EventAudience(event=event, organization=member) for member in audience]
            )
        deliveries = _email_deliveries(event=event, audience=audience, emails=emails)
        deliveries += _webhook_deliveries(event=event, audience=audience)
        if deliveries:
            Delivery.objects.bulk_create(deliveries)
    return [delivery.pk for delivery in deliveries]


def _statement() -> str:
    user = get_user_model()._meta.db_table
    return f"""
WITH event AS (
    INSERT INTO {Event._meta.db_table}
        (type, organization_id, actor_id, subject_type_id, subject_id, payload, created_at)
    VALUES (%(type)s::text, %(organization)s::bigint, %(actor)s::integer, %(subject_type)s::integer,
            %(subject_id)s::text, %(payload)s, %(now)s::timestamptz)
    RETURNING id
), audience AS (
    INSERT INTO {EventAudience._meta.db_table} (event_id, organization_id)
    SELECT event.id, a.organization_id
    FROM event, unnest(%(audience)s::bigint[]) WITH ORDINALITY AS a(organization_id, n)
    ORDER BY a.n
), members AS (
    SELECT DISTINCT ON (lower(btrim(u.email)))
        btrim(u.email) AS address, lower(btrim(u.email)) AS key, m.organization_id, m.id
    FROM {Membership._meta.db_table} m JOIN {user} u ON u.id = m.user_id
    WHERE m.organization_id = ANY(%(audience)s::bigint[]) AND m.is_active AND u.is_active
        AND m.role = ANY(%(roles)s::text[]) AND u.email <> ''
    ORDER BY lower(btrim(u.email)), m.organization_id, m.id
), rows AS (
    SELECT 'email' AS channel, organization_id, address, NULL::bigint AS endpoint_id,
        0 AS part, organization_id AS k1, id AS k2
    FROM members
    UNION ALL
    SELECT 'email', %(organization)s::bigint, e.address, NULL, 1, e.n, 0
    FROM unnest(%(emails)s::text[], %(keys)s::text[]) WITH ORDINALITY AS e(address, key, n)
    WHERE e.key NOT IN (SELECT key FROM members)
    UNION ALL
    SELECT CASE WHEN w.kind = %(wecom_kind)s::text THEN %(wecom)s::text ELSE %(webhook)s::text END,
        w.organization_id, '', w.id, 2, w.id, 0
    FROM {WebhookEndpoint._meta.db_table} w
    WHERE w.organization_id = ANY(%(audience)s::bigint[]) AND w.is_active AND (
        coalesce(jsonb_array_length(w.event_types), 0) = 0
        OR EXISTS (
            SELECT 1 FROM jsonb_array_elements_text(w.event_types) AS p(pattern)
            WHERE p.pattern = %(type)s::text
                OR (right(p.pattern, 2) = '.*' AND starts_with(%(type)s::text, left(p.pattern, -1)))
        )
    )
), delivery AS (
    INSERT INTO {Delivery._meta.db_table}
        (event_id, channel, organization_id, to_address, endpoint_id, language, status, attempts,
         next_attempt_at, last_error, sending_since, sent_at, message_id, created_at)
    SELECT event.id, rows.channel, rows.organization_id, rows.address, rows.endpoint_id, %(language)s::text,
        %(pending)s::text, 0, %(now)s::timestamptz, '', NULL, NULL, gen_random_uuid(), %(now)s::timestamptz
    FROM event, rows
    ORDER BY rows.part, rows.k1, rows.k2
    RETURNING id
)
SELECT (SELECT id FROM event), ARRAY(SELECT id FROM delivery ORDER BY id)
"""


_STATEMENT: str | None = None


def fanout_sql(
    *, event: Event, audience_ids: list[int], emails: list[str], roles, type_: str
) -> tuple[int, list[int]]:
    """Insert ``event`` (unsaved), its audience and its deliveries; return its id and the deliveries' ids.

    ``emails`` are valid addresses, unique case-insensitively; ``roles`` the member roles that get emails.
    """
    global _STATEMENT
    if _STATEMENT is None:
        _STATEMENT = _statement()
    payload = Event._meta.get_field("payload").get_db_prep_save(event.payload, connection)
    params = {
        "type": type_,
        "organization": event.organization_id,
        "actor": event.actor_id,
        "subject_type": event.subject_type_id,
        "subject_id": event.subject_id,
        "payload": payload,
        "now": event.created_at,
        "audience": audience_ids,
        "roles": [str(role) for role in roles],
        "emails": emails,
        "keys": [address.lower() for address in emails],
        "wecom_kind": str(WebhookEndpoint.Kind.WECOM),
        "wecom": str(Delivery.Channel.WECOM),
        "webhook": str(Delivery.Channel.WEBHOOK),
        "language": settings.LANGUAGE_CODE,
        "pending": str(Delivery.Status.PENDING),
    }
    with connection.cursor() as cursor:
        cursor.execute(_STATEMENT, params)
        event_id, delivery_ids = cursor.fetchone()
    return event_id, list(delivery_ids)
