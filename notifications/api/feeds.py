"""What every feed's HTTP side shares: the ``calendar.ics`` action, its renderer, its URL.

The feed routes stay on their resources (``/bookings/calendar.ics``, ``/people/calendar.ics``,
``/sets/{id}/calendar.ics``); each is declared with ``calendar_action`` and answers ``feed_response``.
"""

import json

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from notifications.feeds import feed_token_resolve
from notifications.models import FeedToken

#: the route of each kind's ``calendar.ics`` (registered by the app that shows the feed)
ROUTES = {
    FeedToken.Kind.BOOKINGS: "booking-calendar",
    FeedToken.Kind.SET: "set-calendar",
    FeedToken.Kind.PERSON: "person-calendar",
}


class ICalendarRenderer(renderers.BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            # Every feed is reached by a private token in its URL: no shared cache may keep a copy.
            response["Cache-Control"] = "private, no-store"
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


def calendar_action(*, detail: bool):
    """Declare a viewset's ``calendar.ics`` action: no sign-in, the ``token`` parameter is the key."""

    def decorate(view):
        view = action(
            detail=detail,
            methods=["get"],
            url_path="calendar",
            renderer_classes=[ICalendarRenderer],
            permission_classes=[AllowAny],
            authentication_classes=[],
        )(view)
        return extend_schema(
            parameters=[OpenApiParameter("token", OpenApiTypes.STR, required=True)],
            responses={(200, "text/calendar"): OpenApiTypes.BINARY},
            auth=[],
        )(view)

    return decorate


def feed_from_request(request, *, kind: str) -> FeedToken:
    """The feed of ``kind`` the request's ``?token=`` opens; a wrong, revoked or other-kind token is a 404."""
    feed = feed_token_resolve(kind=kind, token=request.query_params.get("token", ""))
    if feed is None:
        raise NotFound()
    return feed


def feed_response(content: bytes) -> Response:
    return Response(content, content_type="text/calendar; charset=utf-8")


def feed_url(feed: FeedToken, *, request=None) -> str:
    """The feed's private URL (absolute when there is a request), to paste into a calendar app."""
    kwargs = {"pk": feed.set_id} if feed.set_id is not None else {}  # only a set feed has a set
    location = f"{reverse(ROUTES[feed.kind], kwargs={**kwargs, 'format': 'ics'})}?token={feed.token}"
    return request.build_absolute_uri(location) if request is not None else location
