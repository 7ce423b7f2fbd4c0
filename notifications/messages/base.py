"""What every builder uses: ``Message`` (one event as words), the ``@message`` registry of builders (with the
short name of each event type) and the words for values (local times, dates, CNY, choice labels, names).

The builders import from here: each app's ``messages`` module (``bookings.messages``,
``locations.messages``, ``crews.messages``, ``review.messages``, ``studio.messages``), each imported at
start-up by ``NotificationsConfig.ready`` (Django's ``autodiscover_modules``, as the admin finds every
``admin.py``). The package (``notifications.messages``) renders what they build.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import dateformat, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


@dataclass
class Message:
    """One event as words, in the active language."""

    title: str
    lead: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    items_title: str = ""
    #: list entries, each ``(text, url)`` (url "" when the entry links nowhere)
    items: list[tuple[str, str]] = field(default_factory=list)
    #: what the reader is asked to do, and by when
    action: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)
    #: the colour of the WeCom title: "info" (news), "warning" (act or beware), "comment" (for the record)
    tone: str = "info"
    #: the title behind the 【拍摄圈】 prefix (set by ``build``)
    subject: str = ""

    def add(self, label: str, value) -> None:
        """A field, left out when there is nothing to show."""
        if value not in (None, "", [], "—"):
            self.fields.append((label, str(value)))

    def link(self, label: str, url: str) -> None:
        if url:
            self.links.append((label, url))

    def item(self, text: str, url: str = "") -> None:
        self.items.append((str(text), url or ""))


#: ``builder(payload, event, to)``: ``to`` is the organisation the message goes to (None: unknown)
Builder = Callable[[dict, object, object], Message]
BUILDERS: dict[str, Builder] = {}
#: the short name of each event type, as people read it (the admin's event list): a lazy translation
LABELS: dict[str, Promise] = {}


def message(*event_types: str, label: Promise | None = None, labels: dict[str, Promise] | None = None):
    """Register the builder of the messages about an event type, with the type's short name:

    ``@message("booking.confirmed", label=gettext_lazy("Booking confirmed"))``; a builder of several types
    names each of them: ``@message(labels={"set.activated": gettext_lazy(…), "set.deactivated": …})``.
    """
    if label is not None and len(event_types) == 1 and labels is None:
        labels = {event_types[0]: label}
    elif label is not None or event_types or not labels:
        raise TypeError('name the event type: @message("type", label=…) or @message(labels={"type": …, …})')

    def register(builder: Builder) -> Builder:
        for event_type, name in labels.items():
            BUILDERS[event_type] = builder
            LABELS[event_type] = name
        return builder

    return register


def event_type_label(event_type: str) -> str:
    """The short name of ``event_type`` in the active language (an unknown type: the type itself)."""
    name = LABELS.get(event_type)
    return str(name) if name is not None else event_type


# --- words for values -------------------------------------------------------------------------------------


def moment(value) -> datetime | None:
    """An ISO 8601 string (or a datetime) as an aware local datetime; None when unset or unreadable."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value)


def day_of(value) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]) if len(value) == 10 else moment(value).date()
        except (ValueError, AttributeError):
            return None
    return None


def when(value) -> str:
    """A time as people read it: 2026年12月21日（星期一）08:00 / Mon 21 Dec 2026, 08:00 (local time)."""
    local = moment(value)
    if local is None:
        return ""
    return dateformat.format(local, pgettext("message time", "D j M Y, H:i"))


def clock(value) -> str:
    local = moment(value)
    return f"{local:%H:%M}" if local else ""


def day_text(value) -> str:
    """A date as people read it: 2026年12月21日（星期一） / Mon 21 Dec 2026."""
    found = day_of(value)
    if found is None:
        return ""
    return dateformat.format(found, pgettext("message date", "D j M Y"))


def span(starts, ends) -> str:
    """From–to: the end as a bare time when it is on the same day."""
    start, end = moment(starts), moment(ends)
    if start is None:
        return ""
    if end is None:
        return when(start)
    if end.date() == start.date():
        return f"{when(start)}–{end:%H:%M}"
    return f"{when(start)} – {when(end)}"


def money(value) -> str:
    """A CNY amount: ¥1,200.00."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return ""
    return _("¥%(amount)s") % {"amount": f"{amount:,.2f}"}


def choice_label(choices, code) -> str:
    """The label of a model choice (``Booking.Status`` …); an unknown code is shown as words."""
    if code in (None, ""):
        return ""
    labels = dict(choices.choices) if hasattr(choices, "choices") else dict(choices)
    label = labels.get(code)
    return str(label) if label is not None else str(code).replace("_", " ")


def contact(value) -> str:
    if not isinstance(value, dict):
        return ""
    return " ".join(str(value.get(key) or "") for key in ("name", "phone", "email")).strip()


def names(values, *, separator=None) -> str:
    separator = pgettext("list separator", ", ") if separator is None else separator
    return separator.join(str(value) for value in values or [] if value not in (None, ""))
