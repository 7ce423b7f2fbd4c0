from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookings.models import Booking
from bookings.selectors import bookings_visible_to
from config.dates import DateField
from config.serializers import (
    AwareDateTimeField,
    CappedListField,
    ChoiceField,
    InputSerializer,
    OutputModelSerializer,
    ScopedPrimaryKeyRelatedField,
)
from config.uploads import upload_check_size
from crews import conf
from crews.conflicts import conflicts_rendered
from crews.models import (
    Call,
    CallSheet,
    CallSheetRecipient,
    Crew,
    CrewMember,
    Person,
    Role,
    Scene,
    ShootDay,
    Stop,
)
from crews.selectors import crews_visible_to, people_visible_to, scenes_visible_to, shoot_days_visible_to
from locations.models import Set
from studio.models import Production
from studio.selectors import productions_visible_to


def _field(scope, model, **kwargs):
    return ScopedPrimaryKeyRelatedField(scope=scope, queryset=model.objects, **kwargs)


class ScopedIdListField(CappedListField):
    """A list of ids of the acting company's objects, checked with one query (unknown ids are a 400)."""

    def __init__(self, *, scope, max_length=500, **kwargs):
        self.scope = scope
        super().__init__(child=serializers.IntegerField(min_value=1), max_length=max_length, **kwargs)

    def to_internal_value(self, data):
        ids = list(dict.fromkeys(super().to_internal_value(data)))
        request = self.context.get("request")
        organization = getattr(request, "organization", None)
        if organization is None:
            raise serializers.ValidationError(_("Unknown ids."))
        found = {obj.pk: obj for obj in self.scope(organization=organization).filter(pk__in=ids)}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                _("Unknown ids: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
            )
        return [found[pk] for pk in ids]


# --- people, crews ------------------------------------------------------------------------------------


class PersonIn(InputSerializer):
    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    roles = CappedListField(
        child=ChoiceField(choices=Role.choices), required=False, default=list, max_length=16
    )
    day_rate = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, default=0
    )
    notes = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False, default=True)


class PersonOut(OutputModelSerializer):
    """Lists show the phone masked; the full number only on a person's page, for planning roles."""

    phone = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "name", "phone", "email", "roles", "day_rate", "user", "notes", "is_active"]

    def get_phone(self, person) -> str:
        if self.context.get("full_phone"):
            return person.phone
        return person.masked_phone


class PersonFeedUrlIn(InputSerializer):
    rotate = serializers.BooleanField(required=False, default=False)


class PersonFeedUrlOut(serializers.Serializer):
    url = serializers.CharField()
    token = serializers.CharField()


class CrewIn(InputSerializer):
    production = _field(productions_visible_to, Production)
    name = serializers.CharField(max_length=50)


class CrewUpdateIn(InputSerializer):
    name = serializers.CharField(max_length=50)


class CrewOut(OutputModelSerializer):
    production_title = serializers.CharField(source="production.title", read_only=True)

    class Meta:
        model = Crew
        fields = ["id", "production", "production_title", "name", "created_at"]


class CrewMemberIn(InputSerializer):
    crew = _field(crews_visible_to, Crew)
    person = _field(people_visible_to, Person)
    role = ChoiceField(choices=Role.choices)
    starts_on = DateField()
    ends_on = DateField(required=False, allow_null=True, default=None)
    day_rate = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class CrewMemberUpdateIn(InputSerializer):
    role = ChoiceField(choices=Role.choices, required=False)
    starts_on = DateField(required=False)
    ends_on = DateField(required=False, allow_null=True)
    day_rate = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)


class CrewMemberOut(OutputModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = CrewMember
        fields = ["id", "crew", "person", "person_name", "role", "starts_on", "ends_on", "day_rate"]


# --- scenes -------------------------------------------------------------------------------------------


class SceneIn(InputSerializer):
    production = _field(productions_visible_to, Production)
    episode = serializers.IntegerField(min_value=1, max_value=32767)
    number = serializers.IntegerField(min_value=1, max_value=32767)
    time_of_day = ChoiceField(choices=Scene.TimeOfDay.choices, required=False, default="day")
    setting = ChoiceField(choices=Scene.Setting.choices, required=False, default="int")
    set_kind = ChoiceField(choices=Set.Kind.choices, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    estimated_minutes = serializers.IntegerField(min_value=1, max_value=1440, required=False, default=30)
    cast = ScopedIdListField(scope=people_visible_to, required=False, default=list)


class SceneUpdateIn(InputSerializer):
    episode = serializers.IntegerField(min_value=1, max_value=32767, required=False)
    number = serializers.IntegerField(min_value=1, max_value=32767, required=False)
    time_of_day = ChoiceField(choices=Scene.TimeOfDay.choices, required=False)
    setting = ChoiceField(choices=Scene.Setting.choices, required=False)
    set_kind = ChoiceField(choices=Set.Kind.choices, required=False, allow_blank=True)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    estimated_minutes = serializers.IntegerField(min_value=1, max_value=1440, required=False)
    cast = ScopedIdListField(scope=people_visible_to, required=False)


class SceneOut(OutputModelSerializer):
    cast = serializers.SerializerMethodField()

    class Meta:
        model = Scene
        fields = [
            "id",
            "production",
            "label",
            "episode",
            "number",
            "time_of_day",
            "setting",
            "set_kind",
            "description",
            "estimated_minutes",
            "cast",
            "status",
            "shot_on",
        ]

    def get_cast(self, scene) -> list[dict]:
        return [{"id": person.pk, "name": person.name} for person in scene.cast.all()]


class SceneImportIn(InputSerializer):
    production = _field(productions_visible_to, Production)
    file = serializers.FileField()

    def validate_file(self, upload):
        upload_check_size(upload, max_bytes=conf.scene_import_max_bytes, field="file")
        return upload


class SceneImportOut(serializers.Serializer):
    created = serializers.IntegerField()
    scenes = serializers.ListField(child=serializers.IntegerField())


class ProductionIn(InputSerializer):
    production = _field(productions_visible_to, Production)


# --- shoot days ---------------------------------------------------------------------------------------


class ConflictOut(serializers.Serializer):
    code = serializers.CharField()
    level = serializers.CharField()
    message = serializers.CharField()
    params = serializers.DictField()


class ShootDayIn(InputSerializer):
    crew = _field(crews_visible_to, Crew)
    date = DateField()
    call_at = AwareDateTimeField()
    planned_wrap_at = AwareDateTimeField()
    departure_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ShootDayUpdateIn(InputSerializer):
    call_at = AwareDateTimeField(required=False)
    planned_wrap_at = AwareDateTimeField(required=False)
    departure_at = AwareDateTimeField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class StopSceneOut(serializers.Serializer):
    id = serializers.IntegerField(source="scene.id")
    label = serializers.CharField(source="scene.label")
    time_of_day = serializers.CharField(source="scene.time_of_day")
    setting = serializers.CharField(source="scene.setting")
    set_kind = serializers.CharField(source="scene.set_kind")
    estimated_minutes = serializers.IntegerField(source="scene.estimated_minutes")
    status = serializers.CharField(source="scene.status")
    cast = serializers.SerializerMethodField()

    def get_cast(self, stop_scene) -> list[dict]:
        return [{"id": person.pk, "name": person.name} for person in stop_scene.scene.cast.all()]


class StopOut(OutputModelSerializer):
    set = serializers.IntegerField(source="booking.set_id", read_only=True)
    set_name = serializers.CharField(source="booking.set.name", read_only=True)
    set_kind = serializers.CharField(source="booking.set.kind", read_only=True)
    base_name = serializers.CharField(source="booking.set.base.name", read_only=True)
    booking_status = serializers.CharField(source="booking.status", read_only=True)
    scenes = StopSceneOut(source="stop_scenes", many=True, read_only=True)

    class Meta:
        model = Stop
        fields = [
            "id",
            "shoot_day",
            "order",
            "booking",
            "booking_status",
            "set",
            "set_name",
            "set_kind",
            "base_name",
            "starts_at",
            "ends_at",
            "note",
            "scenes",
        ]


class CallOut(OutputModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "shoot_day",
            "person",
            "person_name",
            "role",
            "call_at",
            "makeup_ready_at",
            "on_set_at",
            "released_at",
            "note",
        ]


class ShootDayOut(OutputModelSerializer):
    crew_name = serializers.CharField(source="crew.name", read_only=True)
    production = serializers.IntegerField(source="crew.production_id", read_only=True)
    conflicts = serializers.SerializerMethodField()

    class Meta:
        model = ShootDay
        fields = [
            "id",
            "crew",
            "crew_name",
            "production",
            "date",
            "call_at",
            "departure_at",
            "planned_wrap_at",
            "status",
            "notes",
            "conflicts",
            "wrapped_at",
        ]

    def get_conflicts(self, day) -> list[dict]:
        return conflicts_rendered(day.conflicts or [])


class ShootDayDetailOut(ShootDayOut):
    stops = StopOut(many=True, read_only=True)
    calls = CallOut(many=True, read_only=True)

    class Meta(ShootDayOut.Meta):
        fields = [*ShootDayOut.Meta.fields, "stops", "calls"]


class StopIn(InputSerializer):
    shoot_day = _field(shoot_days_visible_to, ShootDay)
    booking = _field(bookings_visible_to, Booking)
    starts_at = AwareDateTimeField()
    ends_at = AwareDateTimeField()
    order = serializers.IntegerField(
        min_value=1, max_value=100, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    scenes = ScopedIdListField(scope=scenes_visible_to, required=False, default=list)


class StopUpdateIn(InputSerializer):
    booking = _field(bookings_visible_to, Booking, required=False)
    starts_at = AwareDateTimeField(required=False)
    ends_at = AwareDateTimeField(required=False)
    order = serializers.IntegerField(min_value=1, max_value=100, required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    scenes = ScopedIdListField(scope=scenes_visible_to, required=False)


class CallIn(InputSerializer):
    shoot_day = _field(shoot_days_visible_to, ShootDay)
    person = _field(people_visible_to, Person)
    role = ChoiceField(choices=Role.choices)
    call_at = AwareDateTimeField()
    released_at = AwareDateTimeField()
    makeup_ready_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    on_set_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CallUpdateIn(InputSerializer):
    role = ChoiceField(choices=Role.choices, required=False)
    call_at = AwareDateTimeField(required=False)
    released_at = AwareDateTimeField(required=False)
    makeup_ready_at = AwareDateTimeField(required=False, allow_null=True)
    on_set_at = AwareDateTimeField(required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class WrapIn(InputSerializer):
    shot = ScopedIdListField(scope=scenes_visible_to, max_length=1000)


class WrapOut(serializers.Serializer):
    shoot_day = ShootDayOut()
    shot = serializers.ListField(child=serializers.IntegerField())
    carried_forward = SceneOut(many=True)
    next_shoot_day = serializers.IntegerField(allow_null=True)


# --- call sheets --------------------------------------------------------------------------------------


class RecipientOut(OutputModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    acknowledged = serializers.SerializerMethodField()

    class Meta:
        model = CallSheetRecipient
        fields = ["person", "name", "notified", "changes", "acknowledged", "acknowledged_at"]

    def get_acknowledged(self, recipient) -> bool:
        return recipient.acknowledged_at is not None


class CallSheetOut(OutputModelSerializer):
    recipients = RecipientOut(many=True, read_only=True)
    link = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField()
    acknowledged = serializers.SerializerMethodField()
    not_acknowledged = serializers.SerializerMethodField()

    class Meta:
        model = CallSheet
        fields = [
            "id",
            "shoot_day",
            "version",
            "published_at",
            "published_by",
            "link",
            "image",
            "snapshot",
            "changes",
            "acknowledged",
            "not_acknowledged",
            "recipients",
        ]

    def _url(self, name, token):
        from django.urls import reverse

        path = reverse(name, kwargs={"token": token})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_link(self, sheet) -> str:
        return self._url("call-sheet-public", sheet.token)

    def get_image(self, sheet) -> str:
        return self._url("call-sheet-public-image", sheet.token)

    def get_acknowledged(self, sheet) -> list[str]:
        return [r.person.name for r in sheet.recipients.all() if r.acknowledged_at is not None]

    def get_not_acknowledged(self, sheet) -> list[str]:
        return [r.person.name for r in sheet.recipients.all() if r.acknowledged_at is None]


class CallSheetListOut(OutputModelSerializer):
    class Meta:
        model = CallSheet
        fields = ["id", "shoot_day", "version", "published_at", "published_by"]


class AcknowledgementOut(serializers.Serializer):
    person = serializers.IntegerField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    acknowledged_at = serializers.DateTimeField()
