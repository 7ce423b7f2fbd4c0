"""The bookings API: companies request, reschedule and cancel; operators confirm, decline and check in/out.

A booking is visible to its company and to its base's operator (``Scope.PARTICIPANTS``); to anyone else
it does not exist (404). ``status`` is never writable: every change is a POST action calling a service.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from bookings import policies, pricing, services
from bookings.api import serializers
from bookings.api.filters import BookingFilterSet, WaitlistFilterSet
from bookings.api.output import booking_out
from bookings.ics import bookings_calendar
from bookings.occupancy import base_occupancy, occupancy_data, occupancy_rows
from bookings.selectors import (
    base_board,
    bookings_visible_to,
    waitlist_entries_visible_to,
)
from config.exceptions import DomainError
from config.renderers import JSONRenderer
from config.spreadsheets import CSVRenderer, XLSXRenderer
from config.viewsets import ScopedGenericViewSet
from locations.selectors import bases_owned_by
from notifications.api.feeds import calendar_action, feed_from_request, feed_response, feed_url
from notifications.feeds import feed_token_issue
from notifications.models import FeedToken
from studio.tenancy import Scope


class BookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Set bookings of the acting company, or at the acting operator's bases."""

    scope = Scope.PARTICIPANTS
    serializer_class = serializers.BookingOut
    filterset_class = BookingFilterSet
    ordering_fields = ["starts_at", "created_at", "status", "total_price", "id"]
    ordering = ["starts_at", "id"]
    search_fields = ["set__name", "production__title"]
    policy = policies.BOOKING
    selector = bookings_visible_to

    def _out(self, booking, code=status.HTTP_200_OK):
        booking = self.get_queryset().get(pk=booking.pk)
        return Response(serializers.BookingOut(booking).data, status=code)

    @extend_schema(request=serializers.BookingIn, responses={201: serializers.BookingOut})
    def create(self, request):
        """Request a set: ``confirmed`` on an instant-book set, else ``held`` until the operator answers."""
        data = self.validated(serializers.BookingIn, request.data)
        booking = services.booking_create(
            set_=data["set"],
            production=data["production"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            note=data["note"],
            by=request.user,
            organization=self.organization,
        )
        return Response(booking_out(booking), status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.QuoteIn, responses=serializers.QuoteOut)
    @action(detail=False, methods=["post"])
    def quote(self, request):
        """Price a window: the cheaper of hourly and day-rate billing, and the deposit (books nothing)."""
        data = self.validated(serializers.QuoteIn, request.data)
        set_ = data["set"]
        quote = pricing.quote(set_, data["starts_at"], data["ends_at"])
        if quote.total > pricing.MAX_TOTAL:
            # a window so long (at these rates) that no booking could hold its price
            raise DomainError(
                _("A value in the request is out of range."),
                code="invalid_value",
                fields={"ends_at": [_("Too long.")]},
            )
        body = {
            "set": set_.pk,
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "total": quote.total,
            "deposit": quote.deposit,
            "breakdown": quote.breakdown,
            "cancellation_policy": set_.base.cancellation_policy,
        }
        return Response(serializers.QuoteOut(body).data)

    @extend_schema(request=None, responses=serializers.BookingOut)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._out(services.booking_confirm(booking=self.get_object(), by=request.user))

    @extend_schema(request=serializers.DeclineIn, responses=serializers.BookingOut)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Refuse a hold; ``reason`` is required (the company reads it)."""
        booking = self.get_object()
        data = self.validated(serializers.DeclineIn, request.data)
        return self._out(services.booking_decline(booking=booking, by=request.user, reason=data["reason"]))

    @extend_schema(request=serializers.ReasonIn, responses=serializers.CancelledBookingOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a hold (free) or a confirmed booking (fee by the base's policy tiers).

        ``cancellation`` repeats the terms charged, as ``cancellation-quote`` showed them.
        """
        booking = self.get_object()
        data = self.validated(serializers.ReasonIn, request.data)
        cancelled = services.booking_cancel(booking=booking, by=request.user, reason=data["reason"])
        fresh = self.get_queryset().get(pk=cancelled.pk)
        fresh.cancellation_quote = cancelled.cancellation_quote
        return Response(serializers.CancelledBookingOut(fresh).data)

    @extend_schema(
        request=None,
        responses={
            200: serializers.CancellationQuoteOut,
            409: OpenApiResponse(
                {"$ref": "#/components/schemas/Error"},
                description="The booking cannot be cancelled (its status, or its hold expired).",
            ),
        },
    )
    @action(detail=True, methods=["get"], url_path="cancellation-quote")
    def cancellation_quote(self, request, pk=None):
        """What cancelling now would cost (writes nothing): the fee, its tier, and until when it holds.

        Computed by the same function as ``cancel``; a booking that cannot be cancelled is the same 409.
        """
        quote = services.booking_cancellation_quote(booking=self.get_object())
        return Response(serializers.CancellationQuoteOut(quote).data)

    @extend_schema(request=serializers.RescheduleIn, responses=serializers.BookingOut)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        """Move the booking to another time on its set; every rule is checked again."""
        booking = self.get_object()
        data = self.validated(serializers.RescheduleIn, request.data)
        booking = services.booking_reschedule(
            booking=booking, starts_at=data["starts_at"], ends_at=data["ends_at"], by=request.user
        )
        return self._out(booking)

    @extend_schema(request=serializers.AtIn, responses=serializers.BookingOut)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        """Record the crew's arrival: from the base's ``check_in_lead_minutes`` before the start until now.

        ``at`` outside that window is a 409 ``check_in_window`` naming it.
        """
        booking = self.get_object()
        data = self.validated(serializers.AtIn, request.data)
        return self._out(services.booking_check_in(booking=booking, by=request.user, at=data.get("at")))

    @extend_schema(request=serializers.AtIn, responses=serializers.BookingOut)
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        """Record the crew's departure; overtime past the booked end is billed from the actual time.

        ``at`` lies between the check-in and now, else a 409 ``check_out_window`` naming the window.
        """
        booking = self.get_object()
        data = self.validated(serializers.AtIn, request.data)
        return self._out(services.booking_check_out(booking=booking, by=request.user, at=data.get("at")))

    @extend_schema(request=None, responses=serializers.BookingOut)
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        return self._out(services.booking_mark_no_show(booking=self.get_object(), by=request.user))

    @extend_schema(request=serializers.FeedUrlIn, responses=serializers.FeedUrlOut)
    @action(detail=False, methods=["post"], url_path="feed-url")
    def feed_url(self, request):
        """Your company's private iCalendar URL of its bookings (``rotate`` to revoke the old one); owners
        and managers only."""
        data = self.validated(serializers.FeedUrlIn, request.data)
        feed = feed_token_issue(
            kind=FeedToken.Kind.BOOKINGS, organization=self.organization, rotate=data["rotate"]
        )
        return Response({"url": feed_url(feed, request=request), "token": feed.token})

    @calendar_action(detail=False)
    def calendar(self, request, format=None):  # noqa: A002 - DRF's format-suffix keyword
        """The company's bookings as iCalendar (``/bookings/calendar.ics?token=``): the token is the key."""
        feed = feed_from_request(request, kind=FeedToken.Kind.BOOKINGS)
        return feed_response(bookings_calendar(feed.organization))


class BookingBatchViewSet(ScopedGenericViewSet):
    """Several sets and days in one request: all or nothing, or ``skip_conflicts`` item by item."""

    scope = Scope.PARTICIPANTS
    policy = policies.BOOKING_BATCH
    serializer_class = serializers.BatchOut
    filter_backends: list = []

    def get_queryset(self):
        return bookings_visible_to(organization=self.organization).none()

    @extend_schema(
        request=serializers.BatchIn, responses={201: serializers.BatchOut, 200: serializers.BatchOut}
    )
    def create(self, request):
        data = self.validated(serializers.BatchIn, request.data)
        batch, results = services.booking_batch_create(
            organization=self.organization,
            items=data["items"],
            skip_conflicts=data["skip_conflicts"],
            by=request.user,
        )
        created = [r.booking.pk for r in results if r.booking is not None]
        fresh = {b.pk: b for b in bookings_visible_to(organization=self.organization).filter(pk__in=created)}
        items = [
            {
                "index": r.index,
                "ok": r.booking is not None,
                "booking": fresh.get(r.booking.pk) if r.booking is not None else None,
                "status_code": r.status_code,
                "code": r.code,
                "detail": r.detail,
                "fields": r.fields,
            }
            for r in results
        ]
        failed = sum(1 for item in items if not item["ok"])
        body = {"batch": batch, "created": len(created), "failed": failed, "items": items}
        return Response(
            serializers.BatchOut(body).data, status=status.HTTP_200_OK if failed else status.HTTP_201_CREATED
        )


class WaitlistEntryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedGenericViewSet
):
    """A company's places on set waitlists; a freed window is offered, and held, to one waiter at a time.

    While an entry is ``offered`` its window is held for the entry's production (``offer_hold``, a
    ``held`` booking flagged ``waitlist_offer``) until ``offer_expires_at``: ``accept`` turns the hold
    into your request, ``decline`` (or leaving the list) passes it to the next waiter.
    """

    scope = Scope.ORGANIZATION
    policy = policies.WAITLIST_ENTRY
    serializer_class = serializers.WaitlistOut
    filterset_class = WaitlistFilterSet
    ordering_fields = ["created_at", "starts_at", "id"]
    ordering = ["created_at", "id"]
    selector = waitlist_entries_visible_to

    @extend_schema(request=serializers.WaitlistIn, responses={201: serializers.WaitlistOut})
    def create(self, request):
        data = self.validated(serializers.WaitlistIn, request.data)
        entry = services.waitlist_join(
            organization=self.organization,
            set_=data["set"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            production=data.get("production"),
            by=request.user,
        )
        return Response(
            serializers.WaitlistOut(self.get_queryset().get(pk=entry.pk)).data, status=status.HTTP_201_CREATED
        )

    def destroy(self, request, pk=None):
        """Leave the waitlist (a live offer passes to the next waiter); the entry stays, ``withdrawn``."""
        services.waitlist_withdraw(entry=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: serializers.BookingOut})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Take up the offer: the held window becomes your booking request (``confirmed`` at once on an
        instant-book set); 409 ``offer_lapsed`` once the offer has lapsed."""
        booking = services.waitlist_accept_offer(entry=self.get_object(), by=request.user)
        return Response(
            serializers.BookingOut(
                bookings_visible_to(organization=self.organization).get(pk=booking.pk)
            ).data
        )

    @extend_schema(request=None, responses=serializers.WaitlistOut)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Turn down the offer of a freed window; the next waiter is told."""
        entry = services.waitlist_decline_offer(entry=self.get_object(), by=request.user)
        return Response(serializers.WaitlistOut(self.get_queryset().get(pk=entry.pk)).data)


class BaseBoardViewSet(ScopedGenericViewSet):
    """The operator's views of a base: the day board (``GET /bases/{id}/board/?date=``) and occupancy and
    revenue (``GET /bases/{id}/occupancy/?from=&to=``), only for the base's own operator."""

    scope = Scope.ORGANIZATION
    policy = policies.BASE_BOARD
    serializer_class = serializers.BoardOut
    filter_backends: list = []

    def get_queryset(self):
        return bases_owned_by(organization=self.organization).prefetch_related(None)

    @extend_schema(parameters=[serializers.BoardIn], responses=serializers.BoardOut)
    @action(detail=True, methods=["get"])
    def board(self, request, pk=None):
        """Every set of the base with its bookings of that day: status, company, production, times."""
        base = self.get_object()
        day = request.query_params.get("date") or timezone.localdate().isoformat()
        data = self.validated(serializers.BoardIn, {"date": day})
        sets = base_board(base=base, day=data["date"])
        return Response(
            serializers.BoardOut(
                {"base": base.pk, "base_name": base.name, "date": data["date"], "sets": sets}
            ).data
        )

    @extend_schema(
        parameters=[
            serializers.OccupancyIn,
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"]),
        ],
        responses={
            200: serializers.OccupancyOut,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, XLSXRenderer.media_type): OpenApiTypes.BINARY,
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, CSVRenderer, XLSXRenderer])
    def occupancy(self, request, pk=None, format=None):  # noqa: A002 - DRF's format-suffix keyword
        """Utilisation (booked ÷ open hours) per set × day, kind × week and base × day and week; revenue,
        cancellations, no-shows and lead time by week; booked hours per clock hour (docs/occupancy.md).

        ``?format=csv`` or ``?format=xlsx`` gives the same numbers as a spreadsheet (text cells safe from
        formulas).
        """
        base = self.get_object()
        query = {name: request.query_params[name] for name in ("from", "to") if name in request.query_params}
        data = self.validated(serializers.OccupancyIn, query)
        result = occupancy_data(base_occupancy(base=base, first=data["from"], last=data["to"]))
        spreadsheet = getattr(request.accepted_renderer, "format", "")
        if spreadsheet in ("csv", "xlsx"):
            name = f"occupancy-{base.pk}-{data['from']:%Y%m%d}-{data['to']:%Y%m%d}.{spreadsheet}"
            return Response(
                occupancy_rows(result), headers={"Content-Disposition": f'attachment; filename="{name}"'}
            )
        return Response(result)  # already OccupancyOut's representation (see occupancy_data)
