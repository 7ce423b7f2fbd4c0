"""The plan: scenes, shoot days (publish, wrap) and their stops and calls."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.uploads import upload_limit
from crews import conf, policies, services
from crews.api import serializers
from crews.api.views.base import CompanyViewSet
from crews.conflicts import conflicts_rendered, shoot_day_warnings
from crews.selectors import (
    call_sheets_visible_to,
    calls_visible_to,
    scenes_visible_to,
    shoot_day_loaded,
    shoot_days_visible_to,
    stops_visible_to,
)


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
