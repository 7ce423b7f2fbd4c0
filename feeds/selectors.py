"""Reads of feeds: an organisation's own, and the one feed a token opens."""

from django.db.models import QuerySet

from feeds.models import FeedToken
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
