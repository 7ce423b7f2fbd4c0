"""Messages about call sheets, crews, people and shoot days (payloads: ``crews.services``).

The builders register themselves with ``notifications.messages.base.message`` when this module is imported
(``CrewsConfig.ready``); ``notifications.messages`` renders what they build.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from crews.changes import change_text
from crews.models import CallSheet, CallSheetRecipient
from notifications.links import absolute, admin_change_url
from notifications.messages.base import Message, clock, day_text, message, names, span, when


def _snapshot(p: dict) -> dict:
    """The published sheet (sets, addresses, times), read when the message is rendered; {} when gone."""
    if not p.get("call_sheet"):
        return {}
    return CallSheet.objects.filter(pk=p["call_sheet"]).values_list("snapshot", flat=True).first() or {}


def _changes_in_words(p: dict, *, person: bool) -> list[str]:
    """What changed, worded in the reader's language from the sheet's structured record; the payload's
    wording (the publisher's language) when the sheet is gone."""
    if int(p.get("version") or 1) <= 1 or not p.get("call_sheet"):
        return [str(change) for change in p.get("changes") or []]
    if person:
        found = (
            CallSheetRecipient.objects.filter(call_sheet_id=p["call_sheet"], person_id=p.get("person"))
            .values_list("changes", flat=True)
            .first()
        )
        if found is None:
            return [str(change) for change in p.get("changes") or []]
        return [change_text(change) for change in found]
    entries = CallSheet.objects.filter(pk=p["call_sheet"]).values_list("changes", flat=True).first()
    if entries is None:
        return [str(change) for change in p.get("changes") or []]
    return [
        f"{entry['name']}{pgettext('label separator', ': ')}"
        + "; ".join(change_text(change) for change in entry["changes"])
        for entry in entries
    ]


def _locations(note: Message, snapshot: dict) -> None:
    """Where the crew goes: each stop's set, base and address with its time."""
    for stop in snapshot.get("stops") or []:
        set_name = (stop.get("set") or {}).get("name", "")
        base = stop.get("base") or {}
        where = " · ".join(str(part) for part in (set_name, base.get("name")) if part)
        note.add(_("Set"), f"{where} ({span(stop.get('starts_at'), stop.get('ends_at'))})")
        note.add(_("Address"), base.get("address"))


def _sheet_title(p: dict) -> str:
    return " · ".join(str(p[key]) for key in ("production", "crew") if p.get(key))


@message("call_sheet.published", label=gettext_lazy("Call sheet published"))
def published(p: dict, event, to) -> Message:
    snapshot = _snapshot(p)
    note = Message(
        title=_("Call sheet for %(date)s: %(sheet)s (version %(version)s)")
        % {"date": day_text(p.get("date")), "sheet": _sheet_title(p), "version": p.get("version")},
        lead=_("The call sheet is published; %(people)s people are on it.") % {"people": p.get("people", 0)},
    )
    note.add(_("Shoot date"), day_text(p.get("date")))
    note.add(pgettext("call sheet message", "Crew call"), when(snapshot.get("call_at")))
    note.add(pgettext("call sheet message", "Departure"), when(snapshot.get("departure_at")))
    _locations(note, snapshot)
    note.add(_("Planned wrap"), clock(snapshot.get("planned_wrap_at")))
    note.add(_("Notified"), names(p.get("notified")))
    changes = _changes_in_words(p, person=False)
    if changes:
        note.items_title = _("What changed")
        for change in changes:
            note.item(change)
    note.link(_("Open the call sheet"), absolute(p.get("link", "")))
    return note


@message("call_sheet.line_published", label=gettext_lazy("Personal call sent"))
def line_published(p: dict, event, to) -> Message:
    snapshot = _snapshot(p)
    changed = int(p.get("version") or 1) > 1
    values = {"name": p.get("name", ""), "date": day_text(p.get("date")), "sheet": _sheet_title(p)}
    title = _("Your call for %(date)s: %(sheet)s") % values
    if changed:
        title = _("Your call changed for %(date)s: %(sheet)s") % values
    note = Message(
        title=title,
        lead=_("%(name)s, here is your call (call sheet version %(version)s).")
        % {"name": p.get("name", ""), "version": p.get("version")},
        tone="warning" if changed else "info",
    )
    note.add(pgettext("call sheet message", "Call"), when(p.get("call_at")))
    note.add(pgettext("call sheet message", "Makeup ready"), clock(p.get("makeup_ready_at")))
    note.add(pgettext("call sheet message", "On set"), clock(p.get("on_set_at")))
    note.add(pgettext("call sheet message", "Release"), clock(p.get("released_at")))
    _locations(note, snapshot)
    changes = _changes_in_words(p, person=True)
    if changes:
        note.items_title = _("What changed")
        for change in changes:
            note.item(change)
    note.action = _("Open the call sheet and confirm that you have read it.")
    note.link(_("Open the call sheet"), absolute(p.get("link", "")))
    return note


@message("call_sheet.line_withdrawn", label=gettext_lazy("Call withdrawn"))
def line_withdrawn(p: dict, event, to) -> Message:
    values = {"date": day_text(p.get("date")), "sheet": _sheet_title(p)}
    return Message(
        title=_("No longer called for %(date)s: %(sheet)s") % values,
        lead=_("%(name)s, you are no longer called on %(date)s (call sheet version %(version)s).")
        % {"name": p.get("name", ""), "date": values["date"], "version": p.get("version")},
        tone="warning",
    )


@message("call_sheet.acknowledged", label=gettext_lazy("Call confirmed"))
def acknowledged(p: dict, event, to) -> Message:
    note = Message(
        title=_("A call was confirmed (call sheet version %(version)s)") % {"version": p.get("version")},
        lead=_("A person confirmed that they have read their call."),
        tone="comment",
    )
    note.link(_("View the call sheet"), admin_change_url("crews", "callsheet", p.get("call_sheet")))
    return note


@message("shoot_day.wrapped", label=gettext_lazy("Shoot day wrapped"))
def wrapped(p: dict, event, to) -> Message:
    note = Message(
        title=_("Shoot day wrapped: %(date)s") % {"date": day_text(p.get("date"))},
        lead=_("%(shot)s scene(s) were shot.") % {"shot": p.get("shot", 0)},
        tone="comment",
    )
    if p.get("carried_forward"):
        note.items_title = _("Carried forward to a later day")
        for label in p["carried_forward"]:
            note.item(_("scene %(label)s") % {"label": label})
    note.link(_("View the shoot day"), admin_change_url("crews", "shootday", p.get("shoot_day")))
    return note


@message("crew.created", label=gettext_lazy("Crew created"))
def crew_created(p: dict, event, to) -> Message:
    note = Message(title=_("Crew created: %(name)s") % {"name": p.get("name", "")}, tone="comment")
    note.link(_("View the crew"), admin_change_url("crews", "crew", p.get("crew")))
    return note


#: the name of each of a person's events, also the title of the message about it
PERSON_TITLES = {
    "person.created": gettext_lazy("Person added to the roster"),
    "person.updated": gettext_lazy("Roster entry updated"),
}


@message(labels=PERSON_TITLES)
def person_changed(p: dict, event, to) -> Message:
    note = Message(title=str(PERSON_TITLES[event.type]), tone="comment")
    note.link(_("View the person"), admin_change_url("crews", "person", p.get("person")))
    return note


@message("scenes.imported", label=gettext_lazy("Scenes imported"))
def scenes_imported(p: dict, event, to) -> Message:
    return Message(
        title=_("Scenes imported"),
        lead=_("%(count)s scene(s) were imported from the breakdown.") % {"count": p.get("created", 0)},
        tone="comment",
    )
