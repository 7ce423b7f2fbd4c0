"""The roster: people (and their calendar feed), crews and crew members."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from config.renderers import JSONRenderer
from config.spreadsheets import CSVRenderer
from crews import policies, reports, services
from crews.api import serializers
from crews.api.views.base import CompanyWritesViewSet
from crews.ics import person_calendar
from crews.selectors import crew_members_visible_to, crews_visible_to, people_visible_to
from notifications.api.feeds import calendar_action, feed_from_request, feed_response, feed_url
from notifications.feeds import feed_token_issue
from notifications.models import FeedToken
from studio.policy import Actor


class PersonViewSet(CompanyWritesViewSet):
    """The company's roster; phones are masked except on a person's own page for planning roles."""

    policy = policies.PERSON
    serializer_class = serializers.PersonOut
    create_serializer = update_serializer = serializers.PersonIn
    search_fields = ["name"]
    ordering_fields = ["name", "id"]
    filterset_fields = ["is_active"]

    def get_queryset(self):
        return people_visible_to(organization=self.organization).order_by("name", "id")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        request = self.request
        context["full_phone"] = (
            self.action == "retrieve"
            and getattr(request, "membership", None) is not None
            and self.policy.allows(Actor.of(request), "see_full_phone", reads=True)
        )
        return context

    def add(self, **data):
        return services.person_create(company=self.organization, **data)

    def change(self, person, **data):
        return services.person_update(person=person, **data)

    def answer(self, person, status_code=status.HTTP_200_OK):
        # whoever writes a person's phone reads it back whole
        return Response(serializers.PersonOut(person, context={"full_phone": True}).data, status=status_code)

    @extend_schema(request=serializers.PersonFeedUrlIn, responses=serializers.PersonFeedUrlOut)
    @action(detail=True, methods=["post"], url_path="feed-url")
    def feed_url(self, request, pk=None):
        """The person's private iCalendar URL of their call times (``rotate`` revokes the old one)."""
        person = self.get_object()
        data = self.validated(serializers.PersonFeedUrlIn, request.data)
        feed = feed_token_issue(
            kind=FeedToken.Kind.PERSON, organization=person.company, person=person, rotate=data["rotate"]
        )
        return Response({"url": feed_url(feed, request=request), "token": feed.token})

    @calendar_action(detail=False)
    def calendar(self, request, format=None):  # noqa: A002 - DRF's format-suffix keyword
        """A person's call times as iCalendar (``/people/calendar.ics?token=``): the token is the key."""
        feed = feed_from_request(request, kind=FeedToken.Kind.PERSON)
        if not feed.person.is_active:
            raise NotFound()
        return feed_response(person_calendar(feed.person))


class CrewViewSet(CompanyWritesViewSet):
    """A production's units (A组, B组 …)."""

    policy = policies.CREW
    serializer_class = serializers.CrewOut
    create_serializer, update_serializer = serializers.CrewIn, serializers.CrewUpdateIn
    filterset_fields = ["production"]
    ordering_fields = ["name", "id"]
    selector = crews_visible_to

    def add(self, **data):
        return services.crew_create(**data)

    def change(self, crew, *, by, **data):
        return services.crew_update(crew=crew, name=data.get("name", crew.name), by=by)  # PATCH {}

    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"])],
        responses={200: OpenApiTypes.OBJECT, (200, "text/csv"): OpenApiTypes.STR},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="day-out-of-days",
        renderer_classes=[JSONRenderer, CSVRenderer],
    )
    def day_out_of_days(self, request, pk=None, format=None):  # noqa: A002
        """Which days each person works for this crew (JSON, or CSV with ``?format=csv``)."""
        report = reports.day_out_of_days(crew=self.get_object())
        if getattr(request.accepted_renderer, "format", "") == "csv":
            return Response(
                reports.day_out_of_days_rows(report),
                headers={"Content-Disposition": f'attachment; filename="day-out-of-days-{pk}.csv"'},
            )
        return Response(report)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """The production's scenes shot and planned per shoot day, with totals."""
        return Response(reports.production_progress(production=self.get_object().production))


class CrewMemberViewSet(mixins.DestroyModelMixin, CompanyWritesViewSet):
    """Who is on which crew, in which role, when, at what day rate."""

    policy = policies.CREW_MEMBER
    serializer_class = serializers.CrewMemberOut
    create_serializer, update_serializer = serializers.CrewMemberIn, serializers.CrewMemberUpdateIn
    filterset_fields = ["crew", "person", "role"]
    selector = crew_members_visible_to

    def add(self, **data):
        return services.crew_member_add(**data)

    def change(self, member, **data):
        return services.crew_member_update(member=member, **data)

    def perform_destroy(self, instance):
        services.crew_member_remove(member=instance, by=self.request.user)
