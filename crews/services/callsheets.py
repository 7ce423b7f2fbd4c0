"""Publishing call sheets (通告单), notifying the people on them, and their acknowledgements.

Publishing freezes the day into a ``CallSheet`` snapshot (version N+1) with one ``CallSheetRecipient``
per person called, each with a private link. Version 1 notifies everyone on it; a later version only
the people whose line changed (or who were added or taken off), each with what changed. Every person
gets their own email (people may have no login, so their address goes in ``emails=``); the company's
WeCom robot, its webhooks and its coordinators (the scheduler) get one summary per version through
the company audience.
"""

import secrets
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import ConflictError
from config.localtime import local_iso
from crews import conf
from crews.changes import change_text, line_changes
from crews.conflicts import shoot_day_warnings, stop_moves
from crews.models import ACTOR_ROLES, CONTACT_ROLES, CallSheet, CallSheetRecipient, Person, ShootDay
from crews.outbox import person_events_record
from crews.selectors import shoot_day_loaded
from crews.workflow import SHOOT_DAYS
from notifications.services import event_record


def call_sheet_url(token: str, base_url: str = "") -> str:
    """The absolute private link of a call sheet (a person's or the group's)."""
    path = reverse("call-sheet-page", kwargs={"token": token})
    return f"{(base_url or conf.public_base_url()).rstrip('/')}{path}"


def snapshot_build(day: ShootDay, version: int) -> dict:
    """Everything the call sheet shows, frozen as JSON (times in local ISO format)."""
    stops = sorted(day.stops.all(), key=lambda stop: (stop.order, stop.starts_at))
    calls = list(day.calls.all())
    moves = {move["from"].pk: move for move in stop_moves(stops)}
    scenes_of_person: dict[int, list[str]] = {}
    stop_rows, bases = [], {}
    for stop in stops:
        set_ = stop.booking.set
        base = set_.base
        bases.setdefault(base.pk, {"id": base.pk, "name": base.name, "address": base.address})
        scene_rows = []
        for stop_scene in stop.stop_scenes.all():
            scene = stop_scene.scene
            cast = list(scene.cast.all())
            for person in cast:
                scenes_of_person.setdefault(person.pk, []).append(scene.label)
            scene_rows.append(
                {
                    "id": scene.pk,
                    "label": scene.label,
                    "episode": scene.episode,
                    "number": scene.number,
                    "time_of_day": scene.time_of_day,
                    "setting": scene.setting,
                    "set_kind": scene.set_kind,
                    "description": scene.description,
                    "estimated_minutes": scene.estimated_minutes,
                    "cast": [person.name for person in cast],
                }
            )
        move = moves.get(stop.pk)
        stop_rows.append(
            {
                "order": stop.order,
                "starts_at": local_iso(stop.starts_at),
                "ends_at": local_iso(stop.ends_at),
                "booking": stop.booking_id,
                "booking_status": stop.booking.status,
                "set": {"id": set_.pk, "name": set_.name, "kind": set_.kind},
                "base": {"id": base.pk, "name": base.name, "address": base.address},
                "note": stop.note,
                "scenes": scene_rows,
                "move_to_next": (
                    {
                        "minutes": move["minutes"],
                        "gap_minutes": move["gap"],
                        "to_set": move["to"].booking.set.name,
                    }
                    if move
                    else None
                ),
            }
        )
    lines = [
        {
            "person": call.person_id,
            "name": call.person.name,
            "role": call.role,
            "call_at": local_iso(call.call_at),
            "makeup_ready_at": local_iso(call.makeup_ready_at),
            "on_set_at": local_iso(call.on_set_at),
            "released_at": local_iso(call.released_at),
            "note": call.note,
            "scenes": scenes_of_person.get(call.person_id, []),
            "is_actor": call.role in ACTOR_ROLES,
        }
        for call in calls
    ]
    contacts = [
        {"name": call.person.name, "role": call.role, "phone": call.person.phone}
        for call in calls
        if call.role in CONTACT_ROLES
    ]
    production = day.crew.production
    return {
        "production": {"id": production.pk, "title": production.title},
        "crew": {"id": day.crew_id, "name": day.crew.name},
        "date": day.date.isoformat(),
        "version": version,
        "call_at": local_iso(day.call_at),
        "departure_at": local_iso(day.departure_at),
        "planned_wrap_at": local_iso(day.planned_wrap_at),
        "stops": stop_rows,
        "moves": [
            {
                "from_order": move["from"].order,
                "to_order": move["to"].order,
                "from_set": move["from"].booking.set.name,
                "to_set": move["to"].booking.set.name,
                "minutes": move["minutes"],
                "gap_minutes": move["gap"],
            }
            for move in moves.values()
        ],
        "lines": lines,
        "contacts": contacts,
        "bases": list(bases.values()),
        "notes": day.notes,
        "warnings": shoot_day_warnings(day),
    }


def _comparable(snapshot: dict) -> dict:
    return {key: value for key, value in snapshot.items() if key not in ("version", "warnings")}


def shoot_day_publish(*, shoot_day: ShootDay, by=None, base_url: str = "") -> CallSheet:
    """Freeze the day as call sheet version N+1 and notify the people whose lines are new or changed."""
    made = {}

    def apply(locked: ShootDay) -> dict:
        day = shoot_day_loaded(ShootDay.objects.filter(pk=locked.pk)).get()
        previous = (
            CallSheet.objects.filter(shoot_day=day)
            .prefetch_related("recipients")
            .order_by("-version")
            .first()
        )
        version = previous.version + 1 if previous else 1
        snapshot = snapshot_build(day, version)
        if previous is not None and _comparable(previous.snapshot) == _comparable(snapshot):
            raise ConflictError(
                _("Nothing changed since version %(version)d.") % {"version": previous.version},
                code="call_sheet_unchanged",
            )
        sheet = CallSheet.objects.create(
            shoot_day=day,
            company_id=day.company_id,
            version=version,
            snapshot=snapshot,
            token=secrets.token_urlsafe(24),
            published_by=by if getattr(by, "is_authenticated", False) else None,
        )
        old_lines = {line["person"]: line for line in previous.snapshot["lines"]} if previous else {}
        old_acks = {r.person_id: r.acknowledged_at for r in previous.recipients.all()} if previous else {}
        people = {call.person_id: call.person for call in day.calls.all()}
        recipients, all_changes = [], []
        for line in snapshot["lines"]:
            person_id = line["person"]
            changes = line_changes(old_lines.get(person_id), line) if previous else [{"field": "added"}]
            recipients.append(
                CallSheetRecipient(
                    call_sheet=sheet,
                    person_id=person_id,
                    token=secrets.token_urlsafe(24),
                    line=line,
                    changes=changes,
                    notified=bool(changes),
                    # An unchanged line keeps its acknowledgement: the person has already confirmed it.
                    acknowledged_at=None if changes else old_acks.get(person_id),
                )
            )
            if changes and previous:
                all_changes.append({"person": person_id, "name": line["name"], "changes": changes})
        CallSheetRecipient.objects.bulk_create(recipients)
        removed = [line for person_id, line in old_lines.items() if person_id not in people]
        for line in removed:
            all_changes.append(
                {"person": line["person"], "name": line["name"], "changes": [{"field": "removed"}]}
            )
        sheet.changes = all_changes
        sheet.save(update_fields=["changes"])
        locked.conflicts = snapshot["warnings"]
        made["sheet"] = sheet
        return {
            "record": partial(
                _notify,
                sheet=sheet,
                day=day,
                recipients=recipients,
                people=people,
                removed=removed,
                by=by,
                base_url=base_url,
            )
        }

    SHOOT_DAYS.run("publish", shoot_day, by=by, now=timezone.now(), apply=apply, fields=["conflicts"])
    return made["sheet"]


def _notify(*, sheet: CallSheet, day: ShootDay, recipients, people, removed, by, base_url: str) -> None:
    """One email per notified person (their line, link and changes); one summary to the company."""
    snapshot = sheet.snapshot
    common = {
        "call_sheet": sheet.pk,
        "shoot_day": day.pk,
        "version": sheet.version,
        "date": snapshot["date"],
        "production": snapshot["production"]["title"],
        "crew": snapshot["crew"]["name"],
    }
    items = []
    for recipient in recipients:
        if not recipient.notified:
            continue
        person = people[recipient.person_id]
        line = recipient.line
        items.append(
            {
                "type": "call_sheet.line_published",
                "email": person.email,
                "payload": {
                    **common,
                    "person": person.pk,
                    "name": person.name,
                    # ISO 8601 with offset (or null); the messages show them as HH:MM
                    "call_at": line["call_at"],
                    "makeup_ready_at": line["makeup_ready_at"] or None,
                    "on_set_at": line["on_set_at"] or None,
                    "released_at": line["released_at"],
                    "link": call_sheet_url(recipient.token, base_url),
                    "changes": [change_text(change) for change in recipient.changes]
                    if sheet.version > 1
                    else [],
                },
            }
        )
    if removed:
        emails = dict(
            Person.objects.filter(pk__in=[line["person"] for line in removed]).values_list("pk", "email")
        )
        for line in removed:
            items.append(
                {
                    "type": "call_sheet.line_withdrawn",
                    "email": emails.get(line["person"], ""),
                    "payload": {
                        **common,
                        "person": line["person"],
                        "name": line["name"],
                        "changes": [_("no longer called")],
                    },
                }
            )
    company = day.crew.company
    person_events_record(organization=company, actor=by, subject=sheet, items=items)
    scheduler = [by.email] if getattr(by, "email", "") else []
    event_record(
        type="call_sheet.published",
        organization=company,
        actor=by,
        subject=sheet,
        payload={
            **common,
            "link": call_sheet_url(sheet.token, base_url),
            "people": len(recipients),
            "notified": [people[r.person_id].name for r in recipients if r.notified]
            + [line["name"] for line in removed],
            "changes": [
                f"{entry['name']}: " + "; ".join(change_text(change) for change in entry["changes"])
                for entry in sheet.changes
            ],
        },
        audience=[company],
        emails=scheduler,
    )


@transaction.atomic
def call_sheet_acknowledge(*, recipient: CallSheetRecipient) -> CallSheetRecipient:
    """Record that the person has read their line; only the first click counts."""
    updated = CallSheetRecipient.objects.filter(pk=recipient.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )
    recipient.refresh_from_db()
    if updated:
        sheet = recipient.call_sheet
        event_record(
            type="call_sheet.acknowledged",
            organization=sheet.company,
            subject=sheet,
            payload={"call_sheet": sheet.pk, "version": sheet.version, "person": recipient.person_id},
        )
    return recipient


def recipient_current(recipient: CallSheetRecipient) -> CallSheetRecipient:
    """The same person's line on the latest version of the sheet (their link always shows the newest)."""
    latest = (
        CallSheetRecipient.objects.select_related("call_sheet__shoot_day", "person")
        .filter(call_sheet__shoot_day_id=recipient.call_sheet.shoot_day_id, person_id=recipient.person_id)
        .order_by("-call_sheet__version")
        .first()
    )
    return latest or recipient
