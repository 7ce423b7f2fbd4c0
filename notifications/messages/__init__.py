"""What a person reads about an event: one ``Message`` per event type, shown as email (text and HTML) and as
a WeCom group-robot markdown message, in the recipient's language first and the other language below.

Each event type has a short name that people read instead of its code (``@message("booking.confirmed",
label=gettext_lazy("Booking confirmed"))``, shown by the admin) and a builder that turns the event's payload
into a ``Message`` of words: a title, a sentence, labelled fields (local times, CNY, choice labels instead of
codes), optional list items, what to do by when, and links to pages (never API paths). The builders run
inside ``translation.override`` once per language, so every string they use is an ordinary ``gettext``.
The layout of each channel is one template (``notifications/message.txt``, ``.html``, ``.md``).

``Message``, the registry and the words for values are in ``notifications.messages.base``. The builders
live in the app whose events they describe (``bookings.messages``, ``locations.messages``,
``crews.messages``, ``review.messages``, ``studio.messages``) and register themselves when
``NotificationsConfig.ready`` imports every app's ``messages.py``, as every process that runs
``django.setup()`` does (the web server, the Celery worker, the tests). This module holds only the
builders of notifications' own events and renders what the builders build; it imports no builder.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.messages.base import BUILDERS, Message, message, when

#: WeCom group robot, markdown message: "content … 最长不超过4096个字节，必须是utf8编码" (群机器人配置说明,
#: https://developer.work.weixin.qq.com/document/path/91770). The markdown type understands headers
#: (``#`` … ``######``), bold ``**…**``, links ``[text](url)``, inline code, quotes ``>`` and
#: ``<font color="info|comment|warning">`` (green, grey, orange-red); nothing else (no lists, tables, images).
WECOM_MAX_BYTES = 4096
WECOM_COLOURS = ("info", "comment", "warning")


def generic(payload: dict, event, to=None) -> Message:
    """A type without a builder of its own: say that something happened, and where, without the payload."""
    note = Message(title=_("Something changed in your organisation"), tone="comment")
    note.add(_("Organisation"), getattr(event.organization, "name", ""))
    note.add(_("Time"), when(event.created_at))
    return note


@message("webhook.ping", label=gettext_lazy("Webhook test"))
def ping(p: dict, event, to) -> Message:
    """The test an organisation sends to one of its endpoints (``webhook_endpoint_ping``)."""
    note = Message(
        title=_("Webhook test"),
        lead=_("This is a test message: the endpoint “%(name)s” receives your organisation's notifications.")
        % {"name": p.get("name", "")},
        tone="comment",
    )
    note.add(_("Organisation"), getattr(event.organization, "name", ""))
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
