"""The roster: people (and their calendar feed), crews and crew members."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from config.renderers import JSONRenderer
from crews import policies, reports, services
from crews.api import serializers
from crews.api.renderers import CSVRenderer
from crews.api.views.base import CompanyViewSet
from crews.ics import person_calendar
from crews.selectors import crew_members_visible_to, crews_visible_to, people_visible_to
from notifications.api.feeds import calendar_action, feed_from_request, feed_response, feed_url
from notifications.feeds import feed_token_issue
from notifications.models import FeedToken
from studio.policy import Actor


class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CompanyViewSet,
):
    """The company's roster; phones are masked except on a person's own page for planning roles."""

    policy = policies.PERSON
    serializer_class = serializers.PersonOut
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

    @extend_schema(request=serializers.PersonIn, responses={201: serializers.PersonOut})
    def create(self, request, *args, **kwargs):
        data = self.validated(serializers.PersonIn, request.data)
        person = services.person_create(company=self.organization, by=request.user, **data)
        return Response(
            serializers.PersonOut(person, context={"full_phone": True}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=serializers.PersonIn, responses=serializers.PersonOut)
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        person = self.get_object()
        data = self.validated(serializers.PersonIn, request.data, partial=partial)
        person = services.person_update(person=person, by=request.user, **data)
        return Response(serializers.PersonOut(person, context={"full_phone": True}).data)

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


class CrewViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CompanyViewSet,
):
    """A production's units (A组, B组 …)."""

    policy = policies.CREW
    serializer_class = serializers.CrewOut
    filterset_fields = ["production"]
    ordering_fields = ["name", "id"]

    def get_queryset(self):
        return crews_visible_to(organization=self.organization)

    @extend_schema(request=serializers.CrewIn, responses={201: serializers.CrewOut})
    def create(self, request, *args, **kwargs):
        data = self.validated(serializers.CrewIn, request.data)
        crew = services.crew_create(production=data["production"], name=data["name"], by=request.user)
        return Response(serializers.CrewOut(crew).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.CrewUpdateIn, responses=serializers.CrewOut)
    def update(self, request, *args, **kwargs):
        kwargs.pop("partial", None)
        crew = self.get_object()
        data = self.validated(serializers.CrewUpdateIn, request.data)
        crew = services.crew_update(crew=crew, name=data.get("name", crew.name), by=request.user)  # PATCH {}
        return Response(serializers.CrewOut(crew).data)

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


class CrewMemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    CompanyViewSet,
):
    """Who is on which crew, in which role, when, at what day rate."""

    policy = policies.CREW_MEMBER
    serializer_class = serializers.CrewMemberOut
    filterset_fields = ["crew", "person", "role"]

    def get_queryset(self):
        return crew_members_visible_to(organization=self.organization)

    @extend_schema(request=serializers.CrewMemberIn, responses={201: serializers.CrewMemberOut})
    def create(self, request, *args, **kwargs):
        data = self.validated(serializers.CrewMemberIn, request.data)
        member = services.crew_member_add(by=request.user, **data)
        return Response(serializers.CrewMemberOut(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.CrewMemberUpdateIn, responses=serializers.CrewMemberOut)
    def update(self, request, *args, **kwargs):
        kwargs.pop("partial", None)
        member = self.get_object()
        data = self.validated(serializers.CrewMemberUpdateIn, request.data)
        member = services.crew_member_update(member=member, by=request.user, **data)
        return Response(serializers.CrewMemberOut(member).data)

    def perform_destroy(self, instance):
        services.crew_member_remove(member=instance, by=self.request.user)
