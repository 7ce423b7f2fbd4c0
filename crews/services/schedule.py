"""Writes for shoot days: the day itself, its stops, its calls, and the wrap (销场).

Errors refuse the change (409); warnings are recomputed after every change and stored on the day.
A call locks its person's row and a stop its crew's row, so that of two concurrent requests the second
sees the first and gets the friendly 409; the exclusion constraints make the rule true regardless, and
their ``IntegrityError`` becomes the same 409.
"""

from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking
from config.exceptions import ConflictError, DomainError
from config.localtime import CLOCK, local_text
from config.locking import lock, locked_transaction
from crews.conflicts import error_detail, shoot_day_warnings
from crews.errors import (
    CrewDoubleStop,
    PersonDoubleCalled,
    ShootDayClosed,
    StopBookingMismatch,
    WrapTooEarly,
)
from crews.models import (
    CALL_NO_OVERLAP,
    STOP_NO_OVERLAP,
    Call,
    Crew,
    Person,
    Scene,
    ShootDay,
    Stop,
    StopScene,
)
from crews.selectors import shoot_day_loaded
from crews.workflow import SCENES, SHOOT_DAYS
from notifications.services import event_record

DAY_FIELDS = ("call_at", "departure_at", "planned_wrap_at", "notes")
CALL_FIELDS = ("role", "call_at", "makeup_ready_at", "on_set_at", "released_at", "note")


def _open(day: ShootDay) -> None:
    if day.status == ShootDay.Status.WRAPPED:
        raise ShootDayClosed(error_detail("shoot_day_wrapped"))


def shoot_day_conflicts_refresh(*, shoot_day: ShootDay) -> ShootDay:
    """Recompute the day's warnings and store them; return the day loaded for rendering."""
    day = shoot_day_loaded(ShootDay.objects.filter(pk=shoot_day.pk)).get()
    day.conflicts = shoot_day_warnings(day)
    ShootDay.objects.filter(pk=day.pk).update(conflicts=day.conflicts)
    return day


def _check_day(day: ShootDay) -> None:
    if day.planned_wrap_at <= day.call_at:
        raise DomainError(
            _("The planned wrap must be after the crew call."),
            code="invalid_times",
            fields={"planned_wrap_at": [_("Must be after the crew call.")]},
        )
    if ShootDay.objects.filter(crew_id=day.crew_id, date=day.date).exclude(pk=day.pk).exists():
        raise DomainError(
            _("This crew already has a shoot day on %(date)s.") % {"date": day.date},
            code="duplicate_shoot_day",
            fields={"date": [_("Already planned for this crew.")]},
        )


@transaction.atomic
def shoot_day_create(
    *, crew: Crew, date, call_at, planned_wrap_at, departure_at=None, notes="", by=None
) -> ShootDay:
    """Plan a crew's day (a draft until published)."""
    day = ShootDay(
        crew=crew,
        company_id=crew.company_id,
        date=date,
        call_at=call_at,
        planned_wrap_at=planned_wrap_at,
        departure_at=departure_at,
        notes=notes,
    )
    _check_day(day)
    day.save()
    return shoot_day_conflicts_refresh(shoot_day=day)


@locked_transaction()
def shoot_day_update(*, shoot_day: ShootDay, by=None, **data) -> ShootDay:
    day = lock(ShootDay, shoot_day.pk)
    _open(day)
    for field, value in data.items():
        if field in DAY_FIELDS:
            setattr(day, field, value)
    _check_day(day)
    day.save()
    return shoot_day_conflicts_refresh(shoot_day=day)


@locked_transaction()
def shoot_day_delete(*, shoot_day: ShootDay, by=None) -> None:
    day = lock(ShootDay, shoot_day.pk)
    if day.status != ShootDay.Status.DRAFT:
        raise ConflictError(
            _("Only a draft shoot day can be deleted; this one has been published."),
            code="shoot_day_published",
        )
    scene_ids = list(StopScene.objects.filter(stop__shoot_day=day).values_list("scene_id", flat=True))
    day.delete()
    _scenes_release(scene_ids)


# --- stops --------------------------------------------------------------------------------------------


def _check_order(stop: Stop) -> None:
    """The stop's number is its own on its day."""
    if Stop.objects.filter(shoot_day_id=stop.shoot_day_id, order=stop.order).exclude(pk=stop.pk).exists():
        raise DomainError(
            _("This day already has a stop number %(order)d.") % {"order": stop.order},
            code="duplicate_order",
            fields={"order": [_("Already used.")]},
        )


def _check_stop(stop: Stop, day: ShootDay) -> None:
    if stop.ends_at <= stop.starts_at:
        raise DomainError(
            _("A stop must end after it starts."),
            code="invalid_times",
            fields={"ends_at": [_("Must be after the start.")]},
        )
    booking = Booking.objects.select_related("set").get(pk=stop.booking_id)
    set_name = booking.set.name
    if booking.production_id != day.crew.production_id:
        raise StopBookingMismatch(
            error_detail("booking_other_production", set=set_name),
            code="booking_other_production",
            fields={"booking": [_("Not a booking of this production.")]},
        )
    if booking.status not in (Booking.Status.HELD, Booking.Status.CONFIRMED, Booking.Status.CHECKED_IN):
        raise StopBookingMismatch(
            error_detail("booking_not_active", set=set_name, status=booking.get_status_display()),
            code="booking_not_active",
            fields={"booking": [_("Not an active booking.")]},
        )
    if stop.starts_at < booking.starts_at or stop.ends_at > booking.ends_at:
        raise StopBookingMismatch(
            error_detail(
                "stop_outside_booking",
                start=local_text(stop.starts_at, CLOCK),
                end=local_text(stop.ends_at, CLOCK),
                set=set_name,
                booking_start=local_text(booking.starts_at),
                booking_end=local_text(booking.ends_at),
            ),
            code="stop_outside_booking",
            fields={"starts_at": [_("Outside the booking's window.")]},
        )
    clash = (
        Stop.objects.filter(crew_id=stop.crew_id, starts_at__lt=stop.ends_at, ends_at__gt=stop.starts_at)
        .exclude(pk=stop.pk)
        .select_related("booking__set")
        .first()
    )
    if clash is not None:
        raise CrewDoubleStop(
            error_detail(
                "crew_double_stop",
                set=clash.booking.set.name,
                start=local_text(clash.starts_at),
                end=local_text(clash.ends_at, CLOCK),
            ),
            fields={"starts_at": [_("The crew is elsewhere then.")]},
        )


def _check_scenes(scenes, day: ShootDay) -> list[Scene]:
    scenes = list(scenes or [])
    for scene in scenes:
        if scene.production_id != day.crew.production_id:
            raise DomainError(
                _("Scene %(label)s is not of this production.") % {"label": scene.label},
                code="invalid_scene",
                fields={"scenes": [_("Only this production's scenes.")]},
            )
        if scene.status in (Scene.Status.SHOT, Scene.Status.DROPPED):
            raise DomainError(
                _("Scene %(label)s is %(status)s.")
                % {"label": scene.label, "status": scene.get_status_display()},
                code="invalid_scene",
                fields={"scenes": [_("Only scenes still to shoot.")]},
            )
    return scenes


def _save(instance: Stop | Call, constraint: str, error: Callable[[], Exception]) -> None:
    """Save ``instance``; losing to the exclusion ``constraint`` (a concurrent write the checks could not
    see yet) raises ``error()``, the same 409 as the checks."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        if constraint in str(exc):
            raise error() from exc
        raise


def _save_stop(stop: Stop) -> None:
    _save(
        stop, STOP_NO_OVERLAP, lambda: CrewDoubleStop(_("The crew is already at another stop at that time."))
    )


def _scenes_set(stop: Stop, scenes: list[Scene]) -> None:
    before = set(StopScene.objects.filter(stop=stop).values_list("scene_id", flat=True))
    StopScene.objects.filter(stop=stop).delete()
    StopScene.objects.bulk_create(
        [StopScene(stop=stop, scene=scene, order=index) for index, scene in enumerate(scenes)]
    )
    now = {scene.pk for scene in scenes}
    SCENES.bulk("schedule", Scene.objects.filter(pk__in=now))
    _scenes_release(before - now)


def _scenes_release(scene_ids) -> None:
    """Scenes no longer at any stop of an open day go back to planned."""
    scene_ids = set(scene_ids)
    if not scene_ids:
        return
    still = set(
        StopScene.objects.filter(scene_id__in=scene_ids)
        .exclude(stop__shoot_day__status=ShootDay.Status.WRAPPED)
        .values_list("scene_id", flat=True)
    )
    SCENES.bulk("unschedule", Scene.objects.filter(pk__in=scene_ids - still))


def _lock_day(shoot_day: ShootDay) -> ShootDay:
    day = lock(ShootDay, shoot_day.pk, related=("crew",))
    _open(day)
    return day


@locked_transaction()
def stop_add(
    *, shoot_day: ShootDay, booking: Booking, starts_at, ends_at, scenes=(), order=None, note="", by=None
) -> Stop:
    """Add a stop on a booking of the production; 409 if the crew is elsewhere or the booking does not fit."""
    lock(Crew, shoot_day.crew_id)
    day = _lock_day(shoot_day)
    numbered = order is not None
    if not numbered:
        last = Stop.objects.filter(shoot_day=day).order_by("-order").values_list("order", flat=True).first()
        order = (last or 0) + 1
    stop = Stop(
        shoot_day=day,
        crew_id=day.crew_id,
        order=order,
        booking=booking,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
    )
    if numbered:
        _check_order(stop)
    _check_stop(stop, day)
    scenes = _check_scenes(scenes, day)
    _save_stop(stop)
    _scenes_set(stop, scenes)
    return stop


@locked_transaction()
def stop_update(*, stop: Stop, by=None, **data) -> Stop:
    lock(Crew, stop.crew_id)
    day = _lock_day(stop.shoot_day)
    stop = lock(Stop, stop.pk)
    for field in ("booking", "starts_at", "ends_at", "note", "order"):
        if field in data:
            setattr(stop, field, data[field])
    _check_order(stop)
    _check_stop(stop, day)
    _save_stop(stop)
    if "scenes" in data:
        _scenes_set(stop, _check_scenes(data["scenes"], day))
    return stop


@locked_transaction()
def stop_remove(*, stop: Stop, by=None) -> None:
    _lock_day(stop.shoot_day)
    scene_ids = list(StopScene.objects.filter(stop=stop).values_list("scene_id", flat=True))
    stop.delete()
    _scenes_release(scene_ids)


# --- calls --------------------------------------------------------------------------------------------


def _check_call(call: Call, day: ShootDay) -> None:
    if call.person.company_id != day.company_id:
        raise DomainError(
            _("This person is not in your roster."), code="invalid_person", fields={"person": []}
        )
    if call.released_at <= call.call_at:
        raise DomainError(
            _("The release time must be after the call time."),
            code="invalid_times",
            fields={"released_at": [_("Must be after the call time.")]},
        )
    for field in ("makeup_ready_at", "on_set_at"):
        value = getattr(call, field)
        if value is not None and not (call.call_at <= value <= call.released_at):
            raise DomainError(
                _("Makeup-ready and on-set times must lie between call and release."),
                code="invalid_times",
                fields={field: [_("Between call and release.")]},
            )
    if Call.objects.filter(shoot_day=day, person_id=call.person_id).exclude(pk=call.pk).exists():
        raise DomainError(
            _("%(person)s is already called to this day.") % {"person": call.person.name},
            code="duplicate_call",
            fields={"person": [_("Already called.")]},
        )
    clash = (
        Call.objects.filter(
            person_id=call.person_id, call_at__lt=call.released_at, released_at__gt=call.call_at
        )
        .exclude(pk=call.pk)
        .select_related("shoot_day__crew")
        .first()
    )
    if clash is not None:
        raise PersonDoubleCalled(
            error_detail(
                "person_double_called",
                person=call.person.name,
                crew=clash.shoot_day.crew.name,
                date=clash.shoot_day.date.isoformat(),
                start=local_text(clash.call_at, CLOCK),
                end=local_text(clash.released_at, CLOCK),
            ),
            fields={"call_at": [_("Overlaps another call of this person.")]},
        )


def _save_call(call: Call) -> None:
    _save(
        call,
        CALL_NO_OVERLAP,
        lambda: PersonDoubleCalled(
            _("%(person)s is already called elsewhere at that time.") % {"person": call.person.name}
        ),
    )


@locked_transaction()
def call_add(
    *,
    shoot_day: ShootDay,
    person: Person,
    role: str,
    call_at,
    released_at,
    makeup_ready_at=None,
    on_set_at=None,
    note: str = "",
    by=None,
) -> Call:
    """Call a person to a day; 409 if their call period overlaps another call of theirs (any crew)."""
    # The person's row first (a fixed order: person, then day), so that concurrent calls queue here.
    person = lock(Person, person.pk)
    day = _lock_day(shoot_day)
    call = Call(
        shoot_day=day,
        person=person,
        role=role,
        call_at=call_at,
        released_at=released_at,
        makeup_ready_at=makeup_ready_at,
        on_set_at=on_set_at,
        note=note,
    )
    _check_call(call, day)
    _save_call(call)
    return call


@locked_transaction()
def call_update(*, call: Call, by=None, **data) -> Call:
    lock(Person, call.person_id)
    day = _lock_day(call.shoot_day)
    call = lock(Call, call.pk, related=("person",))
    for field, value in data.items():
        if field in CALL_FIELDS:
            setattr(call, field, value)
    _check_call(call, day)
    _save_call(call)
    return call


@locked_transaction()
def call_remove(*, call: Call, by=None) -> None:
    _lock_day(call.shoot_day)
    call.delete()


# --- wrap ---------------------------------------------------------------------------------------------


def shoot_day_wrap(*, shoot_day: ShootDay, shot: list[Scene], by=None, now: datetime | None = None) -> dict:
    """销场: the given scenes are shot; the day's other scenes go back to planned and are offered next.

    Not before the day itself (its local date, Asia/Shanghai): a day two months ahead is not shot yet.
    """
    now = now or timezone.now()
    result = {}

    def apply(day: ShootDay) -> dict:
        if timezone.localdate(now) < day.date:
            raise WrapTooEarly(error_detail("wrap_window", date=day.date.isoformat()))
        day_scene_ids = set(StopScene.objects.filter(stop__shoot_day=day).values_list("scene_id", flat=True))
        shot_ids = {scene.pk for scene in shot}
        stray = shot_ids - day_scene_ids
        if stray:
            raise DomainError(
                _("Only scenes planned for this day can be marked shot."),
                code="invalid_scene",
                fields={
                    "shot": [_("Not on this day: %(ids)s") % {"ids": ", ".join(map(str, sorted(stray)))}]
                },
            )
        SCENES.bulk("shoot", Scene.objects.filter(pk__in=shot_ids), shot_on=day.date)
        carried = sorted(day_scene_ids - shot_ids)
        SCENES.bulk("unschedule", Scene.objects.filter(pk__in=carried))
        day.wrapped_at = now
        result["shot"] = sorted(shot_ids)
        result["carried"] = carried
        return {"record": partial(_wrapped_record, day, by, result)}

    day = SHOOT_DAYS.run("wrap", shoot_day, by=by, now=now, apply=apply, fields=["wrapped_at"])
    return {
        "shoot_day": day,
        "shot": result["shot"],
        "carried_forward": result["carried_scenes"],
        "next_shoot_day": result["next_shoot_day"],
    }


def _wrapped_record(day: ShootDay, by, result: dict) -> None:
    """The wrap's event; what it carries forward and the crew's next open day, for the answer."""
    result["next_shoot_day"] = (
        ShootDay.objects.filter(crew_id=day.crew_id, date__gt=day.date)
        .exclude(status=ShootDay.Status.WRAPPED)
        .order_by("date")
        .first()
    )
    result["carried_scenes"] = list(
        Scene.objects.filter(pk__in=result["carried"]).prefetch_related("cast").order_by("episode", "number")
    )
    event_record(
        type=SHOOT_DAYS.transition("wrap").event,
        organization=day.crew.company,
        actor=by,
        subject=day,
        payload={
            "shoot_day": day.pk,
            "date": day.date.isoformat(),
            "shot": len(result["shot"]),
            "carried_forward": [scene.label for scene in result["carried_scenes"]],
        },
    )
