"""Warnings about a shoot day: what a scheduler should look at, though nothing forbids it.

``shoot_day_warnings(day)`` takes a day loaded by ``crews.selectors.shoot_day_loaded`` and answers
``[{"code", "level", "params"}]`` with a fixed number of queries whatever the number of stops, scenes
and people: the travel times between the stops' bases come from one ``travel_matrix`` lookup (the same
answer ``travel_minutes`` gives set to set), the neighbouring calls of everyone called from one query.
Messages are rendered when read (``conflict_message``), so they follow the reader's language.
"""

from datetime import timedelta

from django.utils.translation import gettext_lazy

from bookings.models import Booking
from config.localtime import DAY_CLOCK, local_text
from crews.models import Call, ShootDay
from locations.models import Set
from locations.travel import travel_matrix
from review.selectors import production_passed_preliminary

MAX_DAY_HOURS = 16
MIN_REST_HOURS = 10

WARNING = "warning"
ERROR = "error"

MESSAGES = {
    "travel_unreachable": gettext_lazy(
        "Company move from %(from_set)s to %(to_set)s takes %(minutes)s minutes, "
        "but only %(gap)s minutes are planned between the stops."
    ),
    "wrong_set_kind": gettext_lazy("Scene %(scene)s needs a %(needed)s, but %(set)s is a %(kind)s."),
    "cast_not_called": gettext_lazy("%(person)s is in scene %(scene)s but is not called this day."),
    "day_too_long": gettext_lazy(
        "The day runs %(hours)s hours (%(start)s–%(end)s), longer than %(max)s hours."
    ),
    "short_rest": gettext_lazy(
        "%(person)s gets only %(hours)s hours of rest between %(first)s and %(second)s (at least %(min)s)."
    ),
    "booking_held": gettext_lazy(
        "Stop %(order)s uses a booking of %(set)s that is only held, not confirmed."
    ),
    "script_not_reviewed": gettext_lazy(
        "The script of %(production)s has not passed preliminary review (初审) yet."
    ),
}
#: params holding a set-kind code, shown as the kind's label in the reader's language
KIND_PARAMS = ("needed", "kind")


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f}".rstrip("0").rstrip(".")


def conflict_message(conflict: dict) -> str:
    template = MESSAGES.get(conflict["code"])
    if template is None:
        return conflict["code"]
    params = dict(conflict.get("params") or {})
    labels = dict(Set.Kind.choices)
    for name in KIND_PARAMS:
        if name in params:
            params[name] = str(labels.get(params[name], params[name]))
    return str(template) % params


def conflicts_rendered(conflicts: list[dict]) -> list[dict]:
    return [{**conflict, "message": conflict_message(conflict)} for conflict in conflicts]


def _warning(code: str, **params) -> dict:
    return {"code": code, "level": WARNING, "params": params}


def stop_moves(stops) -> list[dict]:
    """Each company move between consecutive stops: its travel minutes and the planned gap."""
    if len(stops) < 2:
        return []
    bases = {stop.booking.set.base_id: stop.booking.set.base for stop in stops}
    matrix = travel_matrix(list(bases.values()))
    moves = []
    for first, second in zip(stops, stops[1:], strict=False):
        set_a, set_b = first.booking.set, second.booking.set
        if set_a.pk == set_b.pk:
            minutes = 0
        elif set_a.base_id == set_b.base_id:
            minutes = set_a.base.zone.walk_minutes
        else:
            minutes = matrix[(set_a.base_id, set_b.base_id)]
        gap = int((second.starts_at - first.ends_at).total_seconds() // 60)
        moves.append({"from": first, "to": second, "minutes": minutes, "gap": gap})
    return moves


def _day_span(day: ShootDay, stops, calls):
    starts = [day.call_at] + [call.call_at for call in calls]
    ends = [day.planned_wrap_at] + [call.released_at for call in calls] + [stop.ends_at for stop in stops]
    return min(starts), max(ends)


def _rest_warnings(day: ShootDay, calls) -> list[dict]:
    if not calls:
        return []
    rest = timedelta(hours=MIN_REST_HOURS)
    earliest = min(call.call_at for call in calls) - rest
    latest = max(call.released_at for call in calls) + rest
    neighbours = (
        Call.objects.filter(
            person_id__in=[call.person_id for call in calls], call_at__lt=latest, released_at__gt=earliest
        )
        .exclude(shoot_day_id=day.pk)
        .only("person_id", "call_at", "released_at")
    )
    by_person = {}
    for other in neighbours:
        by_person.setdefault(other.person_id, []).append(other)
    found = []
    for call in calls:
        for other in by_person.get(call.person_id, []):
            if other.released_at <= call.call_at:
                first_end, second_start = other.released_at, call.call_at
            elif call.released_at <= other.call_at:
                first_end, second_start = call.released_at, other.call_at
            else:
                continue  # overlapping calls cannot exist: the exclusion constraint refuses them
            if second_start - first_end < rest:
                found.append(
                    _warning(
                        "short_rest",
                        person=call.person.name,
                        person_id=call.person_id,
                        hours=_hours(second_start - first_end),
                        first=local_text(first_end, DAY_CLOCK),
                        second=local_text(second_start, DAY_CLOCK),
                        min=MIN_REST_HOURS,
                    )
                )
    return found


def shoot_day_warnings(day: ShootDay) -> list[dict]:
    """Every warning about ``day`` (loaded with ``shoot_day_loaded``)."""
    stops = sorted(day.stops.all(), key=lambda stop: (stop.order, stop.starts_at))
    calls = list(day.calls.all())
    found = []
    for move in stop_moves(stops):
        if move["gap"] < move["minutes"]:
            found.append(
                _warning(
                    "travel_unreachable",
                    from_set=move["from"].booking.set.name,
                    to_set=move["to"].booking.set.name,
                    from_order=move["from"].order,
                    to_order=move["to"].order,
                    minutes=move["minutes"],
                    gap=move["gap"],
                )
            )
    called = {call.person_id for call in calls}
    for stop in stops:
        set_ = stop.booking.set
        if stop.booking.status == Booking.Status.HELD:
            found.append(_warning("booking_held", order=stop.order, set=set_.name, booking=stop.booking_id))
        for stop_scene in stop.stop_scenes.all():
            scene = stop_scene.scene
            if scene.set_kind and scene.set_kind != set_.kind:
                found.append(
                    _warning(
                        "wrong_set_kind",
                        scene=scene.label,
                        scene_id=scene.pk,
                        needed=scene.set_kind,
                        set=set_.name,
                        kind=set_.kind,
                    )
                )
            for person in scene.cast.all():
                if person.pk not in called:
                    found.append(
                        _warning(
                            "cast_not_called",
                            person=person.name,
                            person_id=person.pk,
                            scene=scene.label,
                            scene_id=scene.pk,
                        )
                    )
    start, end = _day_span(day, stops, calls)
    if end - start > timedelta(hours=MAX_DAY_HOURS):
        found.append(
            _warning(
                "day_too_long",
                hours=_hours(end - start),
                start=local_text(start, DAY_CLOCK),
                end=local_text(end, DAY_CLOCK),
                max=MAX_DAY_HOURS,
            )
        )
    found += _rest_warnings(day, calls)
    production = day.crew.production
    if not production_passed_preliminary(production):
        found.append(
            _warning("script_not_reviewed", production=production.title, production_id=production.pk)
        )
    return found


def error_detail(code: str, **params) -> str:
    """The message of a refusal (kept here so that every text a scheduler sees is in one file)."""
    return ERROR_MESSAGES[code] % params


ERROR_MESSAGES = {
    "person_double_called": gettext_lazy(
        "%(person)s is already called to %(crew)s on %(date)s from %(start)s to %(end)s."
    ),
    "crew_double_stop": gettext_lazy("The crew is already at %(set)s from %(start)s to %(end)s."),
    "booking_other_production": gettext_lazy("The booking of %(set)s is for another production."),
    "booking_not_active": gettext_lazy(
        "The booking of %(set)s is %(status)s; only held or confirmed bookings can take a stop."
    ),
    "stop_outside_booking": gettext_lazy(
        "The stop (%(start)s–%(end)s) lies outside the booking of %(set)s "
        "(%(booking_start)s–%(booking_end)s)."
    ),
    "shoot_day_wrapped": gettext_lazy("This shoot day is wrapped and can no longer change."),
    "wrap_window": gettext_lazy("A shoot day can be wrapped from its date on (%(date)s), not before."),
}
