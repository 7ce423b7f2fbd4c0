import re
from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from config.dates import DateField
from config.serializers import (
    AwareDateTimeField,
    CappedListField,
    CappedListSerializer,
    ChoiceField,
    ClonedFieldsMixin,
    InputSerializer,
    ModelInputSerializer,
    OutputModelSerializer,
    ScopedPrimaryKeyRelatedField,
)
from config.uploads import upload_check_size
from locations import conf
from locations.models import (
    Base,
    Blackout,
    OpeningHours,
    Place,
    Set,
    SetPhoto,
    TravelTime,
    Zone,
)
from locations.selectors import (
    ORDERINGS,
    bases_owned_by,
    place_from_copy,
    place_keep,
    places_visible_to,
    sets_owned_by,
    sets_visible_to,
)
from locations.services import BASE_FIELDS, SET_FIELDS
from notifications.api.feeds import feed_url
from notifications.models import FeedToken


def _zones(*, organization):
    return Zone.objects.all()


def _bases_visible(*, organization):
    return Base.objects.filter(is_active=True) | Base.objects.filter(operator=organization)


# Output ------------------------------------------------------------------------------------------


class ZoneOut(OutputModelSerializer):
    class Meta:
        model = Zone
        fields = [
            "id",
            "name",
            "city",
            "detour_factor",
            "average_speed_kmh",
            "walk_minutes",
            "circle_minutes",
        ]
        read_only_fields = fields


class OpeningHoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class BaseOut(OutputModelSerializer):
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    operator_name = serializers.CharField(source="operator.name", read_only=True)

    class Meta:
        model = Base
        fields = ["id", "operator", "operator_name", *BASE_FIELDS, "is_active", "opening_hours"]
        read_only_fields = fields


class SetPhotoOut(OutputModelSerializer):
    class Meta:
        model = SetPhoto
        fields = ["id", "set", "image", "caption", "position", "width", "height"]
        read_only_fields = fields


class ChoiceLabelField(serializers.CharField):
    """The label of a choice, read-only: what ``get_<field>_display()`` gives, for many rows.

    ``get_<field>_display()`` rebuilds (and hashes, translating every label) the whole choice list
    for each call; this field maps values to their lazy labels once, so a row costs one lookup and
    one translation. A value outside the choices is shown as it is, as by ``get_<field>_display()``.
    """

    def __init__(self, *, choices, **kwargs):
        self.labels = dict(choices)
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return str(self.labels.get(value, value))


class SetOut(OutputModelSerializer):
    base_name = serializers.CharField(source="base.name", read_only=True)
    zone = serializers.IntegerField(source="base.zone_id", read_only=True)
    kind_label = ChoiceLabelField(source="kind", choices=Set.Kind.choices)
    effective_turnover_minutes = serializers.IntegerField(read_only=True)
    effective_instant_book = serializers.BooleanField(read_only=True)
    photos = SetPhotoOut(many=True, read_only=True)
    travel_minutes = serializers.SerializerMethodField()

    class Meta:
        model = Set
        fields = [
            "id",
            "base",
            "base_name",
            "zone",
            "kind",
            "kind_label",
            *[name for name in SET_FIELDS if name != "kind"],
            "effective_turnover_minutes",
            "effective_instant_book",
            "is_active",
            "photos",
            "travel_minutes",
        ]
        read_only_fields = fields

    def get_travel_minutes(self, obj) -> int | None:
        return getattr(obj, "travel_minutes", None)


class BlackoutOut(OutputModelSerializer):
    class Meta:
        model = Blackout
        fields = ["id", "set", "base", "starts_at", "ends_at", "reason", "created_at"]
        read_only_fields = fields


class PlaceOut(OutputModelSerializer):
    class Meta:
        model = Place
        fields = ["id", "zone", "owner", "name", "kind", "address", "latitude", "longitude"]
        read_only_fields = fields


def _end(place, base) -> dict:
    end = place or base
    return {"kind": "place" if place else "base", "id": end.pk, "name": end.name}


class TravelTimeOut(OutputModelSerializer):
    ends = serializers.SerializerMethodField()

    class Meta:
        model = TravelTime
        fields = ["id", "ends", "minutes", "note", "updated_at"]
        read_only_fields = fields

    def get_ends(self, obj) -> list[dict]:
        return [_end(obj.place_a, obj.base_a), _end(obj.place_b, obj.base_b)]


class IntervalOut(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class BusyIntervalOut(IntervalOut):
    kind = serializers.CharField()
    reason = serializers.CharField()


class AvailabilityOut(serializers.Serializer):
    set = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    free = IntervalOut(many=True)
    busy = BusyIntervalOut(many=True)


class CalendarFeedOut(OutputModelSerializer):
    # a set's feed always names its set (the column is empty only on the other kinds of feed)
    set = serializers.IntegerField(source="set_id", read_only=True, label=gettext_lazy("set"))
    url = serializers.SerializerMethodField()

    class Meta:
        model = FeedToken
        fields = ["id", "set", "url", "token", "created_at"]
        read_only_fields = fields

    def get_url(self, feed) -> str:
        return feed_url(feed, request=self.context.get("request"))


class ImportResultOut(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    total = serializers.IntegerField()


# Input -------------------------------------------------------------------------------------------


class OpeningHoursIn(InputSerializer):
    weekday = ChoiceField(choices=OpeningHours.Weekday.choices)
    opens = serializers.TimeField()
    closes = serializers.TimeField()


class BaseIn(ModelInputSerializer):
    zone = ScopedPrimaryKeyRelatedField(scope=_zones, queryset=Zone.objects)
    opening_hours = CappedListSerializer(
        child=OpeningHoursIn(), required=False, max_length=len(OpeningHours.Weekday)
    )

    class Meta:
        model = Base
        fields = [*BASE_FIELDS, "opening_hours"]
        validators = []  # (operator, name) uniqueness is the service's rule

    def validate_opening_hours(self, value):
        weekdays = [row["weekday"] for row in value]
        if len(weekdays) != len(set(weekdays)):
            raise serializers.ValidationError(_("One opening interval per weekday."))
        return value


class WordListInField(CappedListField):
    child = serializers.CharField(max_length=50)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)


class SetIn(ModelInputSerializer):
    base = ScopedPrimaryKeyRelatedField(scope=bases_owned_by, queryset=Base.objects)
    tags = WordListInField()
    amenities = WordListInField()

    class Meta:
        model = Set
        fields = ["base", *SET_FIELDS]
        validators = []


class SetRatesIn(InputSerializer):
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    day_rate = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    day_length_hours = serializers.IntegerField(min_value=1, max_value=24, required=False)
    overtime_rate_per_hour = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False
    )
    deposit = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Give at least one rate to change."))
        return attrs


class BlackoutIn(ModelInputSerializer):
    set = ScopedPrimaryKeyRelatedField(
        scope=sets_owned_by, queryset=Set.objects, required=False, allow_null=True
    )
    base = ScopedPrimaryKeyRelatedField(
        scope=bases_owned_by, queryset=Base.objects, required=False, allow_null=True
    )

    class Meta:
        model = Blackout
        fields = ["set", "base", "starts_at", "ends_at", "reason"]

    def validate(self, attrs):
        if self.instance is None and bool(attrs.get("set")) == bool(attrs.get("base")):
            raise serializers.ValidationError({"set": [_("Give a set or a base, not both.")]})
        if self.instance is not None and ({"set", "base"} & set(attrs)):
            raise serializers.ValidationError({"set": [_("Create a new blackout to cover something else.")]})
        starts = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        ends = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if starts and ends and ends <= starts:
            raise serializers.ValidationError({"ends_at": [_("Must be after the start.")]})
        return attrs


class PlaceIn(ModelInputSerializer):
    zone = ScopedPrimaryKeyRelatedField(scope=_zones, queryset=Zone.objects)

    class Meta:
        model = Place
        fields = ["zone", "name", "kind", "address", "latitude", "longitude"]
        validators = []


class EndIn(InputSerializer):
    place = ScopedPrimaryKeyRelatedField(scope=places_visible_to, queryset=Place.objects, required=False)
    base = ScopedPrimaryKeyRelatedField(scope=_bases_visible, queryset=Base.objects, required=False)

    def validate(self, attrs):
        if len(attrs) != 1:
            raise serializers.ValidationError(_("Give exactly one of place or base."))
        return attrs.get("place") or attrs.get("base")


class TravelTimeIn(InputSerializer):
    ends = CappedListSerializer(child=EndIn(), min_length=2, max_length=2)
    minutes = serializers.IntegerField(min_value=0, max_value=24 * 60)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CalendarFeedIn(InputSerializer):
    set = ScopedPrimaryKeyRelatedField(scope=sets_visible_to, queryset=Set.objects)


class SetPhotoIn(InputSerializer):
    image = serializers.FileField()
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    position = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class ImportIn(InputSerializer):
    file = serializers.FileField()

    def validate_file(self, upload):
        upload_check_size(upload, max_bytes=conf.import_max_bytes, field="file")
        return upload


# Query parameters ---------------------------------------------------------------------------------


class QueryListField(CappedListField):
    """Repeated (``kind=a&kind=b``) or comma-separated (``kind=a,b``) query values, at most 50 by default."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 50)
        super().__init__(**kwargs)

    def get_value(self, dictionary):
        if self.field_name not in dictionary:
            return serializers.empty
        values = (
            dictionary.getlist(self.field_name)
            if hasattr(dictionary, "getlist")
            else dictionary[self.field_name]
        )
        if isinstance(values, str):
            values = [values]
        return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


class QueryDateTimeField(AwareDateTimeField):
    """An aware datetime from a query string, forgiving an unescaped ``+`` in ``+08:00`` (read as a space)."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            value = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value.strip())
        return super().to_internal_value(value)


class LatitudeField(serializers.DecimalField):
    """Degrees north (negative: south), to the six decimals the catalogue stores."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=9, decimal_places=6, min_value=-90, max_value=90, **kwargs)


class LongitudeField(serializers.DecimalField):
    """Degrees east (negative: west), to the six decimals the catalogue stores."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=10, decimal_places=6, min_value=-180, max_value=180, **kwargs)


_PLAIN_PK = re.compile(r"[0-9]{1,18}")


class CataloguePlaceField(ScopedPrimaryKeyRelatedField):
    """A place to search or plan from (``places_visible_to``: any place of the public catalogue), read from
    this process's copy where it holds it (``place_from_copy``).

    Only a plain id (a JSON integer, or digits in a query string) naming a kept place takes the copy;
    anything else, a place not kept yet and a missing one included, goes DRF's way through the
    database, so that every 400 reads as before; a place found there is kept for the next request.
    The place is shared with later requests: for reading only.
    """

    def __init__(self, **kwargs):
        super().__init__(scope=places_visible_to, queryset=Place.objects, **kwargs)

    def to_internal_value(self, data):
        organization = getattr(self.context.get("request"), "organization", None)
        if organization is None:  # DRF's way: nothing is in scope
            return super().to_internal_value(data)
        if type(data) is int or (type(data) is str and _PLAIN_PK.fullmatch(data)):
            place = place_from_copy(int(data))
            if place is not None:
                return place
        place = super().to_internal_value(data)
        place_keep(place)
        return place


class SetSearchIn(ClonedFieldsMixin, serializers.Serializer):
    kind = QueryListField(child=ChoiceField(choices=Set.Kind.choices), required=False)
    tag = QueryListField(child=serializers.CharField(max_length=50), required=False)
    base = QueryListField(child=serializers.IntegerField(min_value=1), required=False)
    zone = QueryListField(child=serializers.IntegerField(min_value=1), required=False)
    min_area = serializers.IntegerField(min_value=0, required=False)
    min_capacity = serializers.IntegerField(min_value=0, required=False)
    max_hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    max_day_rate = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    available_from = QueryDateTimeField(required=False)
    available_to = QueryDateTimeField(required=False)
    near_place = CataloguePlaceField(required=False)
    near_set = ScopedPrimaryKeyRelatedField(scope=sets_visible_to, queryset=Set.objects, required=False)
    near_lat = LatitudeField(required=False)
    near_lon = LongitudeField(required=False)
    within_minutes = serializers.IntegerField(min_value=0, max_value=600, required=False)
    ordering = ChoiceField(choices=sorted(ORDERINGS), required=False)

    def validate(self, attrs):
        errors = {}
        start, end = attrs.get("available_from"), attrs.get("available_to")
        if (start is None) != (end is None):
            missing = "available_to" if end is None else "available_from"
            errors[missing] = [_("available_from and available_to go together.")]
        elif start is not None and end <= start:
            errors["available_to"] = [_("Must be after available_from.")]
        elif start is not None and end - start > timedelta(days=conf.search_max_window_days()):
            errors["available_to"] = [
                _("The window may be at most %(n)d days.") % {"n": conf.search_max_window_days()}
            ]
        if ("near_lat" in attrs) != ("near_lon" in attrs):
            errors["near_lon" if "near_lat" in attrs else "near_lat"] = [
                _("near_lat and near_lon go together.")
            ]
        origins = [name for name in ("near_place", "near_set", "near_lat") if name in attrs]
        if len(origins) > 1:
            errors[origins[1]] = [_("Give one origin: near_place, near_set or near_lat+near_lon.")]
        if not origins:
            if "within_minutes" in attrs:
                errors["within_minutes"] = [_("Needs an origin: near_place, near_set or near_lat+near_lon.")]
            if attrs.get("ordering", "").lstrip("-") == "travel_minutes":
                errors["ordering"] = [_("Ordering by travel time needs an origin.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class AvailabilityIn(serializers.Serializer):
    date = DateField()
    days = serializers.IntegerField(min_value=1, required=False, default=1)

    def validate_days(self, value):
        if value > conf.availability_max_days():
            raise serializers.ValidationError(
                _("At most %(n)d days at once.") % {"n": conf.availability_max_days()}
            )
        return value


class CalendarIn(serializers.Serializer):
    token = serializers.CharField(max_length=64)
