"""Messages about bases, sets and blackouts (payloads: ``locations.services``).

The builders register themselves with ``notifications.messages.base.message`` when this module is imported
(``LocationsConfig.ready``); ``notifications.messages`` renders what they build.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.links import admin_change_url, occupancy_url
from notifications.messages.base import Message, message, money

#: the name of each of a base's own events, also the title of the message about it
BASE_TITLES = {
    "base.created": gettext_lazy("Base added"),
    "base.updated": gettext_lazy("Base details changed"),
    "base.activated": gettext_lazy("Base listed again"),
    "base.deactivated": gettext_lazy("Base taken off the list"),
}
#: the name of each of a set's own events, also the title of the message about it
SET_TITLES = {
    "set.created": gettext_lazy("Set added to the catalogue"),
    "set.updated": gettext_lazy("Set details changed"),
}


@message(labels=BASE_TITLES)
def base_changed(p: dict, event, to) -> Message:
    note = Message(title=str(BASE_TITLES[event.type]), tone="comment")
    if event.type == "base.deactivated":
        note.lead = _("Its sets are no longer listed.")
    note.link(_("View the base"), admin_change_url("locations", "base", p.get("base")))
    note.link(_("Open the occupancy"), occupancy_url(base=p.get("base")))
    return note


@message(labels=SET_TITLES)
def set_changed(p: dict, event, to) -> Message:
    note = Message(title=str(SET_TITLES[event.type]), tone="comment")
    note.link(_("View the set"), admin_change_url("locations", "set", p.get("set")))
    return note


@message(
    labels={
        "set.activated": gettext_lazy("Sets listed again"),
        "set.deactivated": gettext_lazy("Sets taken off the list"),
    }
)
def sets_switched(p: dict, event, to) -> Message:
    values = {"count": p.get("changed", 0)}
    if event.type == "set.activated":
        return Message(title=_("%(count)s set(s) listed again") % values, tone="comment")
    return Message(title=_("%(count)s set(s) taken off the list") % values, tone="comment")


@message("set.rates_updated", label=gettext_lazy("Set rates changed"))
def rates_updated(p: dict, event, to) -> Message:
    rates = p.get("rates") or {}
    note = Message(
        title=_("Rates changed for %(count)d set(s)") % {"count": len(p.get("sets") or [])}, tone="comment"
    )
    note.add(_("Hourly rate"), money(rates.get("hourly_rate")))
    note.add(_("Day rate"), money(rates.get("day_rate")))
    return note


@message("set.catalogue_imported", label=gettext_lazy("Set catalogue imported"))
def catalogue_imported(p: dict, event, to) -> Message:
    note = Message(title=_("Set catalogue imported"), tone="comment")
    note.add(_("New sets"), p.get("created"))
    note.add(_("Updated sets"), p.get("updated"))
    note.add(_("Rows read"), p.get("total"))
    return note


@message("blackout.created", label=gettext_lazy("Blackout added"))
def blackout_created(p: dict, event, to) -> Message:
    title = _("A set was blocked") if p.get("set") else _("A base was blocked")
    note = Message(title=title, lead=_("It cannot be booked during the blocked time."), tone="warning")
    note.link(_("View the blocked time"), admin_change_url("locations", "blackout", p.get("blackout")))
    return note
