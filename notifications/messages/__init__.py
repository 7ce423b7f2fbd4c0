"""What a person reads about an event: one ``Message`` per event type, shown as email (text and HTML) and as
a WeCom group-robot markdown message, in the recipient's language first and the other language below.

Each event type has a builder (``@message("booking.confirmed")``) that turns the event's payload into a
``Message`` of words: a title, a sentence, labelled fields (local times, CNY, choice labels instead of
codes), optional list items, what to do by when, and links to pages (never API paths). The builders run
inside ``translation.override`` once per language, so every string they use is an ordinary ``gettext``.
The layout of each channel is one template (``notifications/message.txt``, ``.html``, ``.md``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

#: WeCom group robot, markdown message: "content … 最长不超过4096个字节，必须是utf8编码" (群机器人配置说明,
#: https://developer.work.weixin.qq.com/document/path/91770). The markdown type understands headers
#: (``#`` … ``######``), bold ``**…**``, links ``[text](url)``, inline code, quotes ``>`` and
#: ``<font color="info|comment|warning">`` (green, grey, orange-red); nothing else (no lists, tables, images).
WECOM_MAX_BYTES = 4096
WECOM_COLOURS = ("info", "comment", "warning")


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


def message(*event_types: str):
    """Register the builder of the messages about ``event_types``."""

    def register(builder: Builder) -> Builder:
        for event_type in event_types:
            BUILDERS[event_type] = builder
        return builder

    return register


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


# --- rendering --------------------------------------------------------------------------------------------


def generic(payload: dict, event, to=None) -> Message:
    """A type without a builder of its own: say that something happened, and where, without the payload."""
    note = Message(title=_("Something changed in your organisation"), tone="comment")
    note.add(_("Organisation"), getattr(event.organization, "name", ""))
    note.add(_("Time"), when(event.created_at))
    return note


def build(event, language: str, to=None) -> Message:
    """The event as words in ``language``."""
    builder = BUILDERS.get(event.type, generic)
    payload = event.payload if isinstance(event.payload, dict) else {}
    with translation.override(language):
        built = builder(payload, event, to)
        built.subject = _("[Shooting Circle] %(title)s") % {"title": built.title}
        return built


def languages(primary: str) -> list[str]:
    """``primary`` first, then the other languages of the site."""
    codes = [primary] + [code for code, _name in settings.LANGUAGES if code != primary]
    return list(dict.fromkeys(codes))


def _render(template: str, note: Message, language: str) -> str:
    colon = "：" if language.startswith("zh") else ": "
    with translation.override(language):
        context = {"message": note, "language": language, "colon": colon, "heading_colon": colon.strip()}
        return render_to_string(template, context).strip()


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def email_parts(event, language: str, to=None) -> Rendered:
    """Subject, text and HTML of the email about ``event``: ``language`` first, the other one below."""
    notes = [(code, build(event, code, to)) for code in languages(language)]
    subject = " / ".join(note.subject for _code, note in notes)
    text = "\n\n————————\n\n".join(_render("notifications/message.txt", note, code) for code, note in notes)
    sections = "\n<hr>\n".join(_render("notifications/message.html", note, code) for code, note in notes)
    html = render_to_string("notifications/email.html", {"sections": sections, "subject": subject}).strip()
    return Rendered(subject=" ".join(subject.split()), text=text, html=html)


_LINE_BREAKS = re.compile(r"\n{3,}")


def wecom_markdown(event, language: str = "zh-hans", to=None) -> str:
    """The WeCom robot's markdown: Chinese first, then the other language while it fits in the limit."""
    primary = "zh-hans" if any(code == "zh-hans" for code, _name in settings.LANGUAGES) else language
    parts = [_render("notifications/message.md", build(event, code, to), code) for code in languages(primary)]
    parts = [_LINE_BREAKS.sub("\n\n", part) for part in parts]
    content = parts[0]
    for part in parts[1:]:
        longer = f"{content}\n\n{part}"
        if len(longer.encode()) > WECOM_MAX_BYTES:
            break
        content = longer
    return wecom_fit(content)


def wecom_fit(content: str) -> str:
    """Cut ``content`` at a line end so that it fits WeCom's limit, marked with an ellipsis."""
    if len(content.encode()) <= WECOM_MAX_BYTES:
        return content
    kept: list[str] = []
    budget = WECOM_MAX_BYTES - len("\n…".encode())
    for line in content.split("\n"):
        if len("\n".join([*kept, line]).encode()) > budget:
            break
        kept.append(line)
    if not kept:
        return content.encode()[:budget].decode("utf-8", "ignore") + "\n…"
    return "\n".join(kept) + "\n…"


# the builders register themselves
from notifications.messages import bookings, catalogue, crews, review  # noqa: E402, F401
