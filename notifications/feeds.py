"""Private iCalendar feeds: reads (an organisation's own, the one feed a token opens) and the one way a
feed's token is issued, rotated and revoked. The model is ``notifications.models.FeedToken``; the builder
``notifications.ics``; the HTTP pieces every ``calendar.ics`` route shares ``notifications.api.feeds``.
"""

import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from notifications.models import FeedToken
from studio.models import Organization


def feed_tokens_of(*, organization: Organization, kind: str | None = None) -> QuerySet[FeedToken]:
    """The organisation's feeds (of one ``kind`` if given), newest first."""
    feeds = FeedToken.objects.filter(organization=organization)
    if kind is not None:
        feeds = feeds.filter(kind=kind)
    return feeds.order_by("-created_at", "-id")


def feed_token_resolve(*, kind: str, token: str) -> FeedToken | None:
    """The feed of ``kind`` that ``token`` opens, or None: a token opens exactly one feed, of one kind."""
    if not token or len(token) > FeedToken._meta.get_field("token").max_length:
        return None
    return (
        FeedToken.objects.select_related("organization", "set__base__zone", "person")
        .filter(kind=kind, token=token)
        .first()
    )


def _new_token() -> str:
    return secrets.token_urlsafe(32)


#: which target each kind of feed takes: (a set, a person)
_TARGETS = {
    FeedToken.Kind.BOOKINGS: (False, False),
    FeedToken.Kind.SET: (True, False),
    FeedToken.Kind.PERSON: (False, True),
}


def _target(kind: str, set_, person) -> dict:
    """The feed's target columns; a target that does not fit the kind is a programming error."""
    if _TARGETS[kind] != (set_ is not None, person is not None):
        raise ValueError(f"A {kind} feed does not take set={set_!r}, person={person!r}.")
    return {"set": set_, "person": person}


@transaction.atomic
def feed_token_issue(
    *, kind: str, organization: Organization, set_=None, person=None, rotate: bool = False
) -> FeedToken:
    """The feed's token, made on the first ask; ``rotate`` replaces it, so the old URL stops working at once.

    ``kind`` ``bookings`` takes the organisation alone, ``set`` a set it sees, ``person`` one of its people.
    """
    target = _target(kind, set_, person)
    if person is not None and person.company_id != organization.pk:
        raise ValueError("A person's feed belongs to the person's company.")
    # The partial unique constraints make a concurrent first ask find the winner's row here.
    feed, created = FeedToken.objects.get_or_create(
        kind=kind, organization=organization, **target, defaults={"token": _new_token()}
    )
    if rotate and not created:
        feed = FeedToken.objects.select_for_update().get(pk=feed.pk)
        feed.token = _new_token()
        feed.save(update_fields=["token"])
    return feed


@transaction.atomic
def feed_token_revoke(*, organization: Organization, feed: FeedToken, by) -> None:
    """Revoke a feed: its URL stops working at once (a leaked link is dead); asking again issues a new one."""
    if feed.organization_id != organization.pk:
        raise DomainError(_("This feed belongs to another organisation."), code="not_owner")
    feed.delete()
