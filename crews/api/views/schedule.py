"""The plan: scenes, shoot days (publish, wrap) and their stops and calls."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from config.viewsets import upload_action
from crews import conf, policies, services
from crews.api import serializers
from crews.api.views.base import CompanyWritesViewSet
from crews.conflicts import conflicts_rendered, shoot_day_warnings
from crews.selectors import (
    call_sheets_visible_to,
    calls_visible_to,
    scenes_visible_to,
    shoot_day_loaded,
    shoot_days_visible_to,
    stops_visible_to,
)


class SceneViewSet(CompanyWritesViewSet):
    """The scene breakdown of the company's productions (``?status=planned`` for what is left to shoot)."""

    policy = policies.SCENE
    serializer_class = serializers.SceneOut
    create_serializer, update_serializer = serializers.SceneIn, serializers.SceneUpdateIn
    filterset_fields = ["production", "episode", "status", "time_of_day", "setting", "set_kind"]
    ordering_fields = ["episode", "number", "id"]

    def get_queryset(self):
        return scenes_visible_to(organization=self.organization).order_by(
            "production_id", "episode", "number"
        )

    def add(self, **data):
        return services.scene_create(**data)

    def change(self, scene, **data):
        scene = services.scene_update(scene=scene, **data)
        return scenes_visible_to(organization=self.organization).get(pk=scene.pk)

    @extend_schema(request=None, responses=serializers.SceneOut)
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        scene = services.scene_drop(scene=self.get_object(), by=request.user)
        return Response(serializers.SceneOut(scene).data)

    @upload_action(
        request=serializers.SceneImportIn,
        responses=serializers.SceneImportOut,
        description=_("Import a scene breakdown from CSV; a bad row rejects the whole file."),
        max_bytes=conf.scene_import_max_bytes,
        field="file",
        detail=False,
        url_path="import",
    )
    def import_csv(self, request):
        data = self.validated(serializers.SceneImportIn, request.data)
        result = services.scenes_import(
            production=data["production"], data=data["file"].read(), by=request.user
        )
        return Response(serializers.SceneImportOut(result).data)


class ShootDayViewSet(mixins.DestroyModelMixin, CompanyWritesViewSet):
    """Crews' shoot days: stops and calls (``/stops/``, ``/calls/``), conflicts, publish, wrap."""

    policy = policies.SHOOT_DAY
    serializer_class = serializers.ShootDayOut
    create_serializer, update_serializer = serializers.ShootDayIn, serializers.ShootDayUpdateIn
    output_serializer = serializers.ShootDayDetailOut
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

    def add(self, **data):
        return services.shoot_day_create(**data)

    def change(self, day, **data):
        return services.shoot_day_update(shoot_day=day, **data)

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


class ShootDayPartViewSet(mixins.DestroyModelMixin, CompanyWritesViewSet):
    """A part of a shoot day (stop or call): every write answers with the day's refreshed conflicts.

    Subclasses name their input serializers and the services that add, change and ``remove`` a part.
    """

    def remove(self, part, **data):
        raise NotImplementedError

    def refreshed(self, day, part):
        """The part as the refreshed day holds it (with what the day prefetched)."""
        return part

    def answer(self, part, status_code=status.HTTP_200_OK):
        day = services.shoot_day_conflicts_refresh(shoot_day=part.shoot_day)
        body = self.serializer_class(self.refreshed(day, part)).data
        body["conflicts"] = conflicts_rendered(day.conflicts)
        return Response(body, status=status_code)

    def perform_destroy(self, instance):
        self.remove(instance, by=self.request.user)
        services.shoot_day_conflicts_refresh(shoot_day=instance.shoot_day)


class StopViewSet(ShootDayPartViewSet):
    """A shoot day's stops: a booking of the production, the window there and the scenes shot."""

    policy = policies.STOP
    serializer_class = serializers.StopOut
    create_serializer, update_serializer = serializers.StopIn, serializers.StopUpdateIn
    filterset_fields = ["shoot_day"]

    def get_queryset(self):
        return stops_visible_to(organization=self.organization).select_related("shoot_day")

    def add(self, **data):
        return services.stop_add(**data)

    def change(self, stop, **data):
        return services.stop_update(stop=stop, **data)

    def remove(self, stop, **data):
        return services.stop_remove(stop=stop, **data)

    def refreshed(self, day, part):
        return next(item for item in day.stops.all() if item.pk == part.pk)


class CallViewSet(ShootDayPartViewSet):
    """Who is called to a shoot day, from call to release (a person is never called twice at once)."""

    policy = policies.CALL
    serializer_class = serializers.CallOut
    create_serializer, update_serializer = serializers.CallIn, serializers.CallUpdateIn
    filterset_fields = ["shoot_day", "person"]
    selector = calls_visible_to

    def add(self, **data):
        return services.call_add(**data)

    def change(self, call, **data):
        return services.call_update(call=call, **data)

    def remove(self, call, **data):
        return services.call_remove(call=call, **data)
