"""The catalogue API: search and calendars for everyone, edits for the owning base operator.

Reads (list, retrieve, availability) use the catalogue selectors; every write action takes its object
from the operator's own rows, so another operator's base, set, blackout or photo is a 404.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from config.pagination import WindowCountPagination
from config.viewsets import ScopedGenericViewSet, ScopedReadOnlyViewSet, ServiceWritesMixin, upload_action
from locations import conf, policies, services
from locations.api import serializers
from locations.api.search import search_rows
from locations.ics import busy_calendar
from locations.importing import set_catalogue_import
from locations.selectors import (
    SetSearch,
    bases_owned_by,
    bases_visible_to,
    blackouts_owned_by,
    places_owned_by,
    places_visible_to,
    set_busy_intervals,
    set_free_intervals,
    set_photos_owned_by,
    set_photos_visible_to,
    sets_owned_by,
    sets_search,
    sets_visible_to,
    travel_times_owned_by,
    zones_visible_to,
)
from locations.travel import circle_minutes
from notifications.api.feeds import calendar_action, feed_from_request, feed_response
from notifications.feeds import feed_token_issue, feed_token_revoke, feed_tokens_of
from notifications.models import FeedToken
from studio.tenancy import Scope


class CatalogueViewSet(ScopedGenericViewSet):
    """Reads from the shared catalogue; ``owner_actions`` act on the operator's own rows only."""

    scope = Scope.CATALOGUE
    owner_actions = frozenset({"update", "partial_update", "destroy", "activate", "deactivate"})
    filter_backends: list = []

    def visible(self):
        raise NotImplementedError

    def owned(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.owned() if self.action in self.owner_actions else self.visible()

    def in_zone(self, queryset):
        """Narrowed by ``?zone=<id>`` (any other value: not narrowed)."""
        zone = self.request.query_params.get("zone")
        return queryset.filter(zone_id=zone) if zone and zone.isdigit() else queryset


class ZoneViewSet(ScopedReadOnlyViewSet):
    """Shooting-service zones and their travel settings."""

    scope = Scope.CATALOGUE
    policy = policies.ZONE
    serializer_class = serializers.ZoneOut
    filter_backends: list = []
    selector = zones_visible_to


class PlaceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    ServiceWritesMixin,
    CatalogueViewSet,
):
    """Named starting points (hotels, gates), maintained by base operators."""

    serializer_class = serializers.PlaceOut
    create_serializer = update_serializer = serializers.PlaceIn
    policy = policies.PLACE

    def visible(self):
        return self.in_zone(places_visible_to(organization=self.organization))

    def owned(self):
        return places_owned_by(organization=self.organization)

    def add(self, **data):
        return services.place_create(organization=self.organization, **data)

    def change(self, place, **data):
        return services.place_update(organization=self.organization, place=place, **data)

    def perform_destroy(self, instance):
        services.place_delete(organization=self.organization, place=instance, by=self.request.user)


class BaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceWritesMixin, CatalogueViewSet):
    """Filming bases and location clusters: everyone reads active ones, the operator edits its own."""

    serializer_class = serializers.BaseOut
    create_serializer = update_serializer = serializers.BaseIn
    policy = policies.BASE

    def visible(self):
        return self.in_zone(bases_visible_to(organization=self.organization))

    def owned(self):
        return bases_owned_by(organization=self.organization)

    def add(self, **data):
        return services.base_create(operator=self.organization, **data)

    def change(self, base, **data):
        return services.base_update(base=base, **data)

    def answer(self, base, status_code=status.HTTP_200_OK):
        return Response(serializers.BaseOut(self.owned().get(pk=base.pk)).data, status=status_code)

    @extend_schema(request=None, responses=serializers.BaseOut)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self.answer(services.base_set_active(base=self.get_object(), active=True, by=request.user))

    @extend_schema(request=None, responses=serializers.BaseOut)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self.answer(services.base_set_active(base=self.get_object(), active=False, by=request.user))


class SetViewSet(mixins.RetrieveModelMixin, ServiceWritesMixin, CatalogueViewSet):
    """Sets and stand-alone locations: search, calendars, and the operator's catalogue edits."""

    serializer_class = serializers.SetOut
    create_serializer = update_serializer = serializers.SetIn
    # Search builds a large filter (availability, travel): count it in the page query, not twice.
    pagination_class = WindowCountPagination
    owner_actions = CatalogueViewSet.owner_actions | {"rates", "photos"}
    policy = policies.SET

    def visible(self):
        return sets_visible_to(organization=self.organization)

    def owned(self):
        return sets_owned_by(organization=self.organization)

    @extend_schema(parameters=[serializers.SetSearchIn], responses=serializers.SetOut(many=True))
    def list(self, request):
        data = self.validated(serializers.SetSearchIn, request.query_params)
        origin = data.get("near_place") or data.get("near_set")
        if "near_lat" in data:
            origin = (data["near_lat"], data["near_lon"])
        within = data.get("within_minutes")
        if origin is not None and within is None:
            within = circle_minutes(origin)
        criteria = SetSearch(
            kinds=data.get("kind", []),
            tags=data.get("tag", []),
            bases=data.get("base", []),
            zones=data.get("zone", []),
            min_area=data.get("min_area"),
            min_capacity=data.get("min_capacity"),
            max_hourly_rate=data.get("max_hourly_rate"),
            max_day_rate=data.get("max_day_rate"),
            available_from=data.get("available_from"),
            available_to=data.get("available_to"),
            origin=origin,
            within_minutes=within,
            ordering=data.get("ordering"),
        )
        context = self.get_serializer_context()
        rows = search_rows(organization=self.organization, criteria=criteria, context=context)
        if rows is not None:  # the hand-written statement, rows already as ``SetOut`` renders them
            return self.get_paginated_response(self.paginate_queryset(rows))
        queryset = sets_search(organization=self.organization, criteria=criteria)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializers.SetOut(page, many=True, context=context).data)

    def add(self, **data):
        return services.set_create(organization=self.organization, **data)

    def change(self, set_, **data):
        return services.set_update(organization=self.organization, set_=set_, **data)

    def answer(self, set_, status_code=status.HTTP_200_OK):
        return Response(self._out(set_), status=status_code)

    def _out(self, set_):
        return serializers.SetOut(self.owned().get(pk=set_.pk), context=self.get_serializer_context()).data

    @extend_schema(request=None, responses=serializers.SetOut)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        set_ = self.get_object()
        services.sets_set_active(organization=self.organization, sets=[set_], active=True, by=request.user)
        return Response(self._out(set_))

    @extend_schema(request=None, responses=serializers.SetOut)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        set_ = self.get_object()
        services.sets_set_active(organization=self.organization, sets=[set_], active=False, by=request.user)
        return Response(self._out(set_))

    @extend_schema(request=serializers.SetRatesIn, responses=serializers.SetOut)
    @action(detail=True, methods=["post"])
    def rates(self, request, pk=None):
        set_ = self.get_object()
        data = self.validated(serializers.SetRatesIn, request.data)
        services.sets_update_rates(organization=self.organization, sets=[set_], by=request.user, **data)
        return Response(self._out(set_))

    @upload_action(
        request=serializers.SetPhotoIn,
        responses={201: serializers.SetPhotoOut},
        max_bytes=conf.photo_max_bytes,
        field="image",
        detail=True,
    )
    def photos(self, request, pk=None):
        set_ = self.get_object()
        data = self.validated(serializers.SetPhotoIn, request.data)
        photo = services.set_photo_add(organization=self.organization, set_=set_, by=request.user, **data)
        return Response(
            serializers.SetPhotoOut(photo, context=self.get_serializer_context()).data, status=201
        )

    @upload_action(
        request=serializers.ImportIn,
        responses=serializers.ImportResultOut,
        description=_("Import the operator's set catalogue from CSV; a bad row rejects the whole file."),
        max_bytes=conf.import_max_bytes,
        field="file",
        detail=False,
        url_path="import",
    )
    def import_csv(self, request):
        data = self.validated(serializers.ImportIn, request.data)
        result = set_catalogue_import(operator=self.organization, data=data["file"].read(), by=request.user)
        return Response(serializers.ImportResultOut(result).data)

    @extend_schema(parameters=[serializers.AvailabilityIn], responses=serializers.AvailabilityOut)
    @action(detail=True, methods=["get"])
    def availability(self, request, pk=None):
        """When the set can be booked now, day by day: ``free`` intervals and why the rest is ``busy``.

        ``busy`` kinds: ``closed`` (opening hours), ``blackout``, ``booking`` (a booking's blocked period),
        ``turnover`` (the set's turnover around it: a new booking may neither start nor end there),
        ``notice`` (before the earliest start the minimum notice allows), ``horizon`` (past the latest
        start ``max_days_ahead`` allows plus the minimum duration) and ``inactive``. A window on the
        base's grid of its minimum duration lies inside a ``free`` interval exactly when booking it now
        succeeds; a longer one inside a ``free`` interval succeeds too (up to the maximum duration).
        """
        set_ = self.get_object()
        data = self.validated(serializers.AvailabilityIn, request.query_params)
        tz = timezone.get_current_timezone()
        starts_at = datetime.combine(data["date"], datetime.min.time(), tzinfo=tz)
        ends_at = starts_at + timedelta(days=data["days"])
        busy = set_busy_intervals(set_, starts_at, ends_at, viewer=self.organization)
        free = set_free_intervals(busy, starts_at, ends_at)
        body = {
            "set": set_.pk,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "free": [{"starts_at": a, "ends_at": b} for a, b in free],
            "busy": [
                {"starts_at": b.starts_at, "ends_at": b.ends_at, "kind": b.kind, "reason": b.reason}
                for b in busy
            ],
        }
        return Response(serializers.AvailabilityOut(body).data)

    @calendar_action(detail=True)
    def calendar(self, request, pk=None, format=None):  # noqa: A002 - DRF's format-suffix keyword
        """The set's busy times as iCalendar, for calendar apps: authenticated by the feed token alone."""
        feed = feed_from_request(request, kind=FeedToken.Kind.SET)
        if str(feed.set_id) != str(pk):
            raise NotFound()
        set_ = sets_visible_to(organization=feed.organization).filter(pk=feed.set_id).first()
        if set_ is None:
            raise NotFound()
        return feed_response(busy_calendar(set_, viewer=feed.organization))


class CalendarFeedViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedGenericViewSet
):
    """Your organisation's private iCalendar feeds of sets' busy times.

    ``POST`` with a set you can see returns the feed's ``url`` (``/sets/{id}/calendar.ics?token=...``)
    to paste into a calendar app; ``DELETE`` revokes it, and posting again issues a new token. Owners
    and managers only: the URL is the key.
    """

    scope = Scope.ORGANIZATION
    serializer_class = serializers.CalendarFeedOut
    # a feed's URL is its key: reading, issuing and revoking follow the webhook endpoints' rule
    policy = policies.CALENDAR_FEED
    filter_backends: list = []

    def get_queryset(self):
        return feed_tokens_of(organization=self.organization, kind=FeedToken.Kind.SET)

    @extend_schema(request=serializers.CalendarFeedIn, responses={201: serializers.CalendarFeedOut})
    def create(self, request):
        data = self.validated(serializers.CalendarFeedIn, request.data)
        feed = feed_token_issue(kind=FeedToken.Kind.SET, organization=self.organization, set_=data["set"])
        return Response(self.get_serializer(feed).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        feed_token_revoke(organization=self.organization, feed=instance, by=self.request.user)


class SetPhotoViewSet(mixins.RetrieveModelMixin, mixins.DestroyModelMixin, CatalogueViewSet):
    """Photos of sets (upload through ``POST /sets/{id}/photos/``)."""

    serializer_class = serializers.SetPhotoOut
    policy = policies.SET_PHOTO

    def visible(self):
        return set_photos_visible_to(organization=self.organization)

    def owned(self):
        return set_photos_owned_by(organization=self.organization)

    def perform_destroy(self, instance):
        services.set_photo_delete(organization=self.organization, photo=instance, by=self.request.user)


class OperatorRecordsViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedGenericViewSet
):
    """The records an operator keeps for itself: listed, read and deleted here, written by the services."""

    scope = Scope.ORGANIZATION
    filter_backends: list = []


class BlackoutViewSet(OperatorRecordsViewSet):
    """An operator's blackouts of its sets and bases (reasons stay private to the operator)."""

    serializer_class = serializers.BlackoutOut
    policy = policies.BLACKOUT
    selector = blackouts_owned_by

    @extend_schema(request=serializers.BlackoutIn, responses={201: serializers.BlackoutOut})
    def create(self, request):
        data = self.validated(serializers.BlackoutIn, request.data)
        blackout = services.blackout_create(
            organization=self.organization,
            by=request.user,
            set_=data.get("set"),
            base=data.get("base"),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            reason=data.get("reason", ""),
        )
        return Response(serializers.BlackoutOut(blackout).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.BlackoutIn, responses=serializers.BlackoutOut)
    def partial_update(self, request, pk=None):
        blackout = self.get_object()
        data = self.validated(serializers.BlackoutIn, request.data, partial=True, instance=blackout)
        blackout = services.blackout_update(
            organization=self.organization, blackout=blackout, by=request.user, **data
        )
        return Response(serializers.BlackoutOut(blackout).data)

    def perform_destroy(self, instance):
        services.blackout_delete(organization=self.organization, blackout=instance, by=self.request.user)


class TravelTimeViewSet(OperatorRecordsViewSet):
    """Travel times an operator measured; every search and plan uses them (either direction)."""

    serializer_class = serializers.TravelTimeOut
    policy = policies.TRAVEL_TIME
    selector = travel_times_owned_by

    @extend_schema(request=serializers.TravelTimeIn, responses={201: serializers.TravelTimeOut})
    def create(self, request):
        """Record or correct the minutes between two places/bases (at least one of them yours)."""
        data = self.validated(serializers.TravelTimeIn, request.data)
        first, second = data["ends"]
        entry = services.travel_time_record(
            organization=self.organization,
            by=request.user,
            first=first,
            second=second,
            minutes=data["minutes"],
            note=data["note"],
        )
        return Response(serializers.TravelTimeOut(entry).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.travel_time_delete(organization=self.organization, entry=instance, by=self.request.user)
