from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from config.renderers import JSONRenderer
from config.uploads import upload_limit
from config.viewsets import ScopedGenericViewSet
from crews import conf, policies, reports, services
from crews.api import serializers
from crews.api.renderers import CSVRenderer
from crews.conflicts import conflicts_rendered, shoot_day_warnings
from crews.ics import person_calendar
from crews.render import RendererMissing, call_sheet_html, call_sheet_language, call_sheet_png
from crews.selectors import (
    call_sheet_by_token,
    call_sheets_visible_to,
    calls_visible_to,
    crew_members_visible_to,
    crews_visible_to,
    people_visible_to,
    recipient_by_token,
    scenes_visible_to,
    shoot_day_loaded,
    shoot_days_visible_to,
    stops_visible_to,
)
from crews.services.callsheets import recipient_current
from notifications.api.feeds import calendar_action, feed_from_request, feed_response, feed_url
from notifications.feeds import feed_token_issue
from notifications.models import FeedToken
from studio.policy import Actor
from studio.tenancy import Scope

TOKEN = r"(?P<token>[A-Za-z0-9_-]{16,64})"


class CompanyViewSet(ScopedGenericViewSet):
    scope = Scope.ORGANIZATION


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


class SceneViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CompanyViewSet,
):
    """The scene breakdown of the company's productions (``?status=planned`` for what is left to shoot)."""

    policy = policies.SCENE
    serializer_class = serializers.SceneOut
    filterset_fields = ["production", "episode", "status", "time_of_day", "setting", "set_kind"]
    ordering_fields = ["episode", "number", "id"]

    def get_queryset(self):
        return scenes_visible_to(organization=self.organization).order_by(
            "production_id", "episode", "number"
        )

    @extend_schema(request=serializers.SceneIn, responses={201: serializers.SceneOut})
    def create(self, request, *args, **kwargs):
        data = self.validated(serializers.SceneIn, request.data)
        scene = services.scene_create(by=request.user, **data)
        return Response(serializers.SceneOut(scene).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.SceneUpdateIn, responses=serializers.SceneOut)
    def update(self, request, *args, **kwargs):
        kwargs.pop("partial", None)
        scene = self.get_object()
        data = self.validated(serializers.SceneUpdateIn, request.data)
        scene = services.scene_update(scene=scene, by=request.user, **data)
        return Response(
            serializers.SceneOut(scenes_visible_to(organization=self.organization).get(pk=scene.pk)).data
        )

    @extend_schema(request=serializers.SceneUpdateIn, responses=serializers.SceneOut)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(request=None, responses=serializers.SceneOut)
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        scene = services.scene_drop(scene=self.get_object(), by=request.user)
        return Response(serializers.SceneOut(scene).data)

    @extend_schema(
        request={"multipart/form-data": serializers.SceneImportIn},
        responses=serializers.SceneImportOut,
        description=_("Import a scene breakdown from CSV; a bad row rejects the whole file."),
    )
    @upload_limit(conf.scene_import_max_bytes, field="file")
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_csv(self, request):
        data = self.validated(serializers.SceneImportIn, request.data)
        result = services.scenes_import(
            production=data["production"], data=data["file"].read(), by=request.user
        )
        return Response(serializers.SceneImportOut(result).data)


class ShootDayViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    CompanyViewSet,
):
    """Crews' shoot days: stops and calls (``/stops/``, ``/calls/``), conflicts, publish, wrap."""

    policy = policies.SHOOT_DAY
    serializer_class = serializers.ShootDayOut
    filterset_fields = ["crew", "date", "status", "crew__production"]
    ordering_fields = ["date", "id"]

    def get_queryset(self):
        queryset = shoot_days_visible_to(organization=self.organization)
        if self.action in {"retrieve", "conflicts"}:
            return shoot_day_loaded(queryset)
        return queryset

    def retrieve(self, request, *args, **kwargs):
        day = self.get_object()
        day.conflicts = shoot_day_warnings(day)
        return Response(serializers.ShootDayDetailOut(day, context=self.get_serializer_context()).data)

    @extend_schema(request=serializers.ShootDayIn, responses={201: serializers.ShootDayDetailOut})
    def create(self, request, *args, **kwargs):
        data = self.validated(serializers.ShootDayIn, request.data)
        day = services.shoot_day_create(by=request.user, **data)
        return Response(serializers.ShootDayDetailOut(day).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ShootDayUpdateIn, responses=serializers.ShootDayDetailOut)
    def update(self, request, *args, **kwargs):
        kwargs.pop("partial", None)
        day = self.get_object()
        data = self.validated(serializers.ShootDayUpdateIn, request.data)
        day = services.shoot_day_update(shoot_day=day, by=request.user, **data)
        return Response(serializers.ShootDayDetailOut(day).data)

    @extend_schema(request=serializers.ShootDayUpdateIn, responses=serializers.ShootDayDetailOut)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services.shoot_day_delete(shoot_day=instance, by=self.request.user)

    @extend_schema(responses=serializers.ConflictOut(many=True))
    @action(detail=True, methods=["get"])
    def conflicts(self, request, pk=None):
        """Every warning about the day now, with the message a scheduler reads."""
        return Response(conflicts_rendered(shoot_day_warnings(self.get_object())))

    @extend_schema(request=None, responses={201: serializers.CallSheetOut})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Freeze the day as call sheet version N+1; notify its people (after v1 only changed lines)."""
        sheet = services.shoot_day_publish(
            shoot_day=self.get_object(), by=request.user, base_url=request.build_absolute_uri("/")
        )
        sheet = call_sheets_visible_to(organization=self.organization).get(pk=sheet.pk)
        return Response(
            serializers.CallSheetOut(sheet, context=self.get_serializer_context()).data, status=201
        )

    @extend_schema(request=serializers.WrapIn, responses=serializers.WrapOut)
    @action(detail=True, methods=["post"])
    def wrap(self, request, pk=None):
        """销场: mark the scenes shot; the day's other scenes go back to planned for the next day.

        From the day's date on (Asia/Shanghai); earlier is a 409 ``wrap_window`` naming the date.
        """
        day = self.get_object()
        data = self.validated(serializers.WrapIn, request.data)
        result = services.shoot_day_wrap(shoot_day=day, shot=data["shot"], by=request.user)
        next_day = result["next_shoot_day"]
        return Response(
            serializers.WrapOut(
                {**result, "next_shoot_day": next_day.pk if next_day else None},
                context=self.get_serializer_context(),
            ).data
        )

    def get_serializer_class(self):
        return serializers.ShootDayDetailOut if self.action == "retrieve" else serializers.ShootDayOut


class ShootDayPartViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    CompanyViewSet,
):
    """A part of a shoot day (stop or call): every write answers with the day's refreshed conflicts.

    Subclasses name their input serializers and the services that add, update and remove a part.
    """

    create_serializer = update_serializer = None
    part_name = ""  # the services' keyword for the instance: "stop", "call"

    def add(self, **data):
        raise NotImplementedError

    def change(self, **data):
        raise NotImplementedError

    def remove(self, **data):
        raise NotImplementedError

    def refreshed(self, day, part):
        """The part as the refreshed day holds it (with what the day prefetched)."""
        return part

    def _answer(self, part, status_code=200):
        day = services.shoot_day_conflicts_refresh(shoot_day=part.shoot_day)
        body = self.serializer_class(self.refreshed(day, part)).data
        body["conflicts"] = conflicts_rendered(day.conflicts)
        return Response(body, status=status_code)

    def create(self, request, *args, **kwargs):
        data = self.validated(self.create_serializer, request.data)
        return self._answer(self.add(by=request.user, **data), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        kwargs.pop("partial", None)
        part = self.get_object()
        data = self.validated(self.update_serializer, request.data)
        return self._answer(self.change(**{self.part_name: part}, by=request.user, **data))

    def perform_destroy(self, instance):
        self.remove(**{self.part_name: instance}, by=self.request.user)
        services.shoot_day_conflicts_refresh(shoot_day=instance.shoot_day)


@extend_schema_view(
    create=extend_schema(request=serializers.StopIn, responses={201: serializers.StopOut}),
    update=extend_schema(request=serializers.StopUpdateIn, responses=serializers.StopOut),
    partial_update=extend_schema(request=serializers.StopUpdateIn, responses=serializers.StopOut),
)
class StopViewSet(ShootDayPartViewSet):
    """A shoot day's stops: a booking of the production, the window there and the scenes shot."""

    policy = policies.STOP
    serializer_class = serializers.StopOut
    create_serializer, update_serializer = serializers.StopIn, serializers.StopUpdateIn
    part_name = "stop"
    filterset_fields = ["shoot_day"]

    def get_queryset(self):
        return stops_visible_to(organization=self.organization).select_related("shoot_day")

    def add(self, **data):
        return services.stop_add(**data)

    def change(self, **data):
        return services.stop_update(**data)

    def remove(self, **data):
        return services.stop_remove(**data)

    def refreshed(self, day, part):
        return next(item for item in day.stops.all() if item.pk == part.pk)


@extend_schema_view(
    create=extend_schema(request=serializers.CallIn, responses={201: serializers.CallOut}),
    update=extend_schema(request=serializers.CallUpdateIn, responses=serializers.CallOut),
    partial_update=extend_schema(request=serializers.CallUpdateIn, responses=serializers.CallOut),
)
class CallViewSet(ShootDayPartViewSet):
    """Who is called to a shoot day, from call to release (a person is never called twice at once)."""

    policy = policies.CALL
    serializer_class = serializers.CallOut
    create_serializer, update_serializer = serializers.CallIn, serializers.CallUpdateIn
    part_name = "call"
    filterset_fields = ["shoot_day", "person"]

    def get_queryset(self):
        return calls_visible_to(organization=self.organization)

    def add(self, **data):
        return services.call_add(**data)

    def change(self, **data):
        return services.call_update(**data)

    def remove(self, **data):
        return services.call_remove(**data)


class CallSheetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    """Published call sheets with who has and hasn't acknowledged; the public pages live under ``public/``."""

    policy = policies.CALL_SHEET
    serializer_class = serializers.CallSheetOut
    filterset_fields = ["shoot_day", "version"]

    def get_queryset(self):
        return call_sheets_visible_to(organization=self.organization)

    def get_serializer_class(self):
        return serializers.CallSheetListOut if self.action == "list" else serializers.CallSheetOut

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "lang",
                OpenApiTypes.STR,
                enum=["zh-hans", "en"],
                description="The page's language; by default the company's, whatever the browser's.",
            )
        ],
        responses={(200, "text/html"): OpenApiTypes.STR},
        auth=[],
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=f"public/{TOKEN}",
        url_name="public",
        renderer_classes=[renderers.StaticHTMLRenderer],
        permission_classes=[AllowAny],
        authentication_classes=[],
    )
    def public(self, request, token=None):
        """The call sheet page behind a private link: a person's own (with acknowledge) or the group's.

        In the company's language whatever the browser's; ``?lang=en`` asks for another."""
        asked = request.query_params.get("lang", "")
        recipient = recipient_by_token(token=token)
        if recipient is not None:
            current = recipient_current(recipient)
            language = call_sheet_language(current.call_sheet, asked)
            acknowledge = reverse("call-sheet-public-acknowledge", kwargs={"token": current.token})
            if asked:
                acknowledge += "?" + urlencode({"lang": language})
            html = call_sheet_html(
                current.call_sheet, current, acknowledge_url=acknowledge, language=language
            )
        else:
            sheet = call_sheet_by_token(token=token)
            if sheet is None:
                raise Http404
            language = call_sheet_language(sheet, asked)
            html = call_sheet_html(sheet, language=language)
        return _private_page(HttpResponse(html, content_type="text/html; charset=utf-8"), language)

    @extend_schema(request=None, responses={(200, "text/html"): OpenApiTypes.STR}, auth=[])
    @action(
        detail=False,
        methods=["post"],
        url_path=f"public/{TOKEN}/acknowledge",
        url_name="public-acknowledge",
        renderer_classes=[renderers.StaticHTMLRenderer],
        permission_classes=[AllowAny],
        authentication_classes=[],
    )
    def public_acknowledge(self, request, token=None):
        """The person confirms their call; recorded once however often it is clicked."""
        recipient = recipient_by_token(token=token)
        if recipient is None:
            raise Http404
        current = services.call_sheet_acknowledge(recipient=recipient_current(recipient))
        language = call_sheet_language(current.call_sheet, request.query_params.get("lang", ""))
        html = call_sheet_html(current.call_sheet, current, language=language)
        return _private_page(HttpResponse(html, content_type="text/html; charset=utf-8"), language)

    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY}, auth=[])
    @action(
        detail=False,
        methods=["get"],
        url_path=f"public/{TOKEN}/image",
        url_name="public-image",
        permission_classes=[AllowAny],
        authentication_classes=[],
    )
    def public_image(self, request, token=None):
        """The call sheet as a PNG for the work-chat group."""
        sheet = call_sheet_by_token(token=token)
        if sheet is None:
            recipient = recipient_by_token(token=token)
            if recipient is None:
                raise Http404
            sheet = recipient.call_sheet
        try:
            png = call_sheet_png(sheet)
        except RendererMissing as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
        return _private_page(HttpResponse(png, content_type="image/png"))


def _private_page(response: HttpResponse, language: str = "") -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    if language:
        response["Content-Language"] = language
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
