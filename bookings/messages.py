"""Messages about bookings and waitlist offers (payloads: ``bookings.notify``).

The builders register themselves with ``notifications.messages.base.message`` when this module is imported
(``BookingsConfig.ready``); ``notifications.messages`` renders what they build.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from notifications.links import admin_change_url, board_url
from notifications.messages.base import Message, contact, day_of, day_text, message, money, span, when
from studio.models import Organization


def _is_operator(to) -> bool:
    return to is not None and getattr(to, "kind", "") == Organization.Kind.BASE_OPERATOR


def _where(p: dict) -> str:
    return " · ".join(str(p[key]) for key in ("set_name", "base_name") if p.get(key))


def _details(note: Message, p: dict, to, *, price: bool = True) -> Message:
    """The fields a crew and a base need: production, set, address, time, price, the other side's contact."""
    production = " · ".join(str(p[key]) for key in ("production_title", "company_name") if p.get(key))
    note.add(_("Production"), production)
    note.add(_("Set"), _where(p))
    note.add(_("Address"), p.get("base_address"))
    note.add(_("Time"), span(p.get("starts_at"), p.get("ends_at")))
    if price and p.get("total_price") not in (None, ""):
        total = money(p["total_price"])
        if p.get("deposit") not in (None, "", "0", "0.00"):
            total = _("%(total)s (deposit %(deposit)s)") % {"total": total, "deposit": money(p["deposit"])}
        note.add(_("Price"), total)
    if _is_operator(to):
        note.add(_("Company contact"), contact(p.get("company_contact")))
    else:
        note.add(_("Base contact"), contact(p.get("operator_contact")))
    return note


def _links(note: Message, p: dict, to) -> Message:
    """Operators get their day board; companies the booking's page."""
    if _is_operator(to) or to is None:
        day = day_of(p.get("starts_at"))
        note.link(_("Open the day board"), board_url(base=p.get("base"), day=day) if day else "")
    if not _is_operator(to):
        note.link(_("View the booking"), admin_change_url("bookings", "booking", p.get("booking")))
    return note


def _booking(title: str, lead: str, p: dict, to, *, tone: str = "info", price: bool = True) -> Message:
    """A message about one booking: ``title`` names the set (``%(set)s``), then its details and links."""
    note = Message(title=title % {"set": _where(p)}, lead=lead, tone=tone)
    return _links(_details(note, p, to, price=price), p, to)


def _called_off(title: str, lead: str, p: dict, to) -> Message:
    """A booking that does not go ahead (declined, lapsed, cancelled, missed): a warning, with no price."""
    return _booking(title, lead, p, to, tone="warning", price=False)


@message("booking.requested", label=gettext_lazy("Booking requested"))
def requested(p: dict, event, to) -> Message:
    note = _booking(
        _("Booking request: %(set)s"),
        _("%(company)s asks to book a set.") % {"company": p.get("company_name") or _("A company")},
        p,
        to,
        tone="warning",
    )
    deadline = when(p.get("hold_expires_at"))
    if deadline:
        note.action = _("Confirm or decline by %(deadline)s, or the hold lapses.") % {"deadline": deadline}
    return note


@message("booking.confirmed", label=gettext_lazy("Booking confirmed"))
def confirmed(p: dict, event, to) -> Message:
    lead = _("Your booking is confirmed.")
    if p.get("instant"):
        lead = _("Your booking is confirmed (the set is instantly bookable).")
    return _booking(_("Booking confirmed: %(set)s"), lead, p, to)


@message("booking.declined", label=gettext_lazy("Booking declined"))
def declined(p: dict, event, to) -> Message:
    note = _called_off(_("Booking declined: %(set)s"), _("The base declined your booking request."), p, to)
    if p.get("reason"):
        note.fields.insert(0, (_("Reason"), p["reason"]))
    return note


@message("booking.expired", label=gettext_lazy("Booking request lapsed"))
def expired(p: dict, event, to) -> Message:
    return _called_off(
        _("Booking request lapsed: %(set)s"),
        _("The base did not answer in time, so the hold on the set has lapsed."),
        p,
        to,
    )


@message("booking.cancelled", label=gettext_lazy("Booking cancelled"))
def cancelled(p: dict, event, to) -> Message:
    note = _called_off(
        _("Booking cancelled: %(set)s"),
        _("%(company)s cancelled the booking.") % {"company": p.get("company_name") or _("The company")},
        p,
        to,
    )
    note.add(_("Reason"), p.get("reason"))
    if p.get("fee") not in (None, ""):
        note.add(_("Cancellation fee"), money(p["fee"]))
    return note


@message("booking.rescheduled", label=gettext_lazy("Booking moved"))
def rescheduled(p: dict, event, to) -> Message:
    note = _booking(_("Booking moved: %(set)s"), _("The booking was moved to a new time."), p, to)
    note.add(_("Previous time"), span(p.get("previous_starts_at"), p.get("previous_ends_at")))
    return note


@message("booking.reminder", label=gettext_lazy("Reminder of tomorrow's bookings"))
def reminder(p: dict, event, to) -> Message:
    """The daily digest of a company's bookings of one day (the day after the message is sent)."""
    bookings = p.get("bookings") or []
    day = day_text(p.get("date"))
    note = Message(
        title=_("Tomorrow's bookings: %(date)s") % {"date": day},
        lead=_("Your company has %(count)d booking(s) tomorrow.") % {"count": len(bookings)},
        items_title=pgettext("booking message", "Bookings"),  # not the app's name (场景预订)
    )
    for booking in bookings:
        parts = [span(booking.get("starts_at"), booking.get("ends_at")), _where(booking)]
        parts += [booking.get("base_address"), booking.get("production_title")]
        parts.append(_("base contact %(contact)s") % {"contact": contact(booking.get("operator_contact"))})
        link = admin_change_url("bookings", "booking", booking.get("booking"))
        note.item(" · ".join(str(part) for part in parts if part), link)
    return note


def _on_set(title: str, lead: str, p: dict, to, *, label: str, at: str) -> Message:
    """The crew arrived or left: for the record, with no price, and the time (``p[at]``) as ``label``."""
    note = _booking(title, lead, p, to, price=False, tone="comment")
    note.add(label, when(p.get(at)))
    return note


@message("booking.checked_in", label=gettext_lazy("Crew checked in"))
def checked_in(p: dict, event, to) -> Message:
    return _on_set(
        _("Checked in: %(set)s"),
        _("The crew checked in on the set."),
        p,
        to,
        label=_("Checked in at"),
        at="checked_in_at",
    )


@message("booking.checked_out", label=gettext_lazy("Crew checked out"))
def checked_out(p: dict, event, to) -> Message:
    note = _on_set(
        _("Checked out: %(set)s"),
        _("The crew left the set."),
        p,
        to,
        label=_("Checked out at"),
        at="checked_out_at",
    )
    if p.get("overtime_minutes"):
        note.add(_("Overtime"), _("%(minutes)s minutes") % {"minutes": p["overtime_minutes"]})
        note.add(_("Overtime fee"), money(p.get("overtime_fee")))
    return note


@message("booking.no_show", label=gettext_lazy("No-show recorded"))
def no_show(p: dict, event, to) -> Message:
    note = _called_off(
        _("Missed booking: %(set)s"),
        _("Nobody checked in to this booking, so it is recorded as a no-show."),
        p,
        to,
    )
    if p.get("fee") not in (None, ""):
        note.add(_("No-show fee"), money(p["fee"]))
    return note


@message("booking.waitlist_offered", label=gettext_lazy("Waitlisted time free"))
def waitlist_offered(p: dict, event, to) -> Message:
    lead = _("A time you are waiting for is free.")
    if p.get("held"):
        lead = _("A time you are waiting for is free, and it is held for you.")
    note = Message(title=_("Free now: %(set)s") % {"set": _where(p)}, lead=lead, tone="warning")
    note.add(_("Production"), p.get("production_title"))
    note.add(_("Set"), _where(p))
    note.add(_("Address"), p.get("base_address"))
    note.add(_("Time"), span(p.get("starts_at"), p.get("ends_at")))
    rates = [money(p.get("hourly_rate")) and _("%(rate)s an hour") % {"rate": money(p.get("hourly_rate"))}]
    rates.append(money(p.get("day_rate")) and _("%(rate)s a day") % {"rate": money(p.get("day_rate"))})
    note.add(_("Rates"), " · ".join(rate for rate in rates if rate))
    note.add(_("Base contact"), contact(p.get("operator_contact")))
    deadline = when(p.get("offer_expires_at"))
    if deadline:
        note.action = _("Book it by %(deadline)s; after that the next company in line is told.") % {
            "deadline": deadline
        }
    if p.get("hold"):
        note.link(_("View the held booking"), admin_change_url("bookings", "booking", p.get("hold")))
    return note
