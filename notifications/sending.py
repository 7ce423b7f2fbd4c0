"""How one delivery leaves: an email, a Standard Webhooks POST or a WeCom robot message.

Emails and robot messages are rendered from templates per event type (``notifications/email/<type>.txt``,
``…_subject.txt``, ``….html``, ``notifications/wecom/<type>.md``) with a generic fallback, once in the
delivery's language and once in the other, Chinese first by default.
"""

import json
import re
import time
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from notifications.models import Delivery, Event
from notifications.webhooks import WebhookFailed, http_post, signature_compute

#: names for event types in messages; a type without one is shown as it is
EVENT_TYPE_LABELS = {
    "webhook.ping": _("Webhook test"),
    "production.created": _("Production created"),
    "production.updated": _("Production updated"),
}
WECOM_MAX_BYTES = 4096


class DeliveryAbandoned(Exception):
    """Retrying cannot help (the endpoint was removed or switched off): the delivery is dead at once."""


def event_type_label(event_type: str):
    """The translatable name of a type (lazy: it renders in the language active when shown)."""
    return EVENT_TYPE_LABELS.get(event_type, event_type)


def _languages(primary: str) -> list[str]:
    codes = [primary] + [code for code, _name in settings.LANGUAGES if code != primary]
    return list(dict.fromkeys(codes))


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


def display_value(value, *, day: str = ""):
    """A payload value as a message shows it: an ISO 8601 time with offset (what webhooks carry) becomes
    local ``2026-12-21 08:00``, or ``08:00`` on the payload's own ``date``; lists and objects likewise."""
    if isinstance(value, dict):
        return {key: display_value(item, day=day) for key, item in value.items()}
    if isinstance(value, list):
        return [display_value(item, day=day) for item in value]
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        try:
            moment = timezone.localtime(datetime.fromisoformat(value))
        except ValueError:
            return value
        return f"{moment:%H:%M}" if day and moment.date().isoformat() == day else f"{moment:%Y-%m-%d %H:%M}"
    return value


class _ShownEvent:
    """The event as templates see it: its payload in display form, everything else as it is."""

    def __init__(self, event: Event, payload):
        self._event = event
        self.payload = payload

    def __getattr__(self, name):
        return getattr(self._event, name)


def _context(event: Event) -> dict:
    payload = event.payload
    if isinstance(payload, dict):
        day = payload.get("date") if isinstance(payload.get("date"), str) else ""
        payload = display_value(payload, day=day)
    return {
        "event": _ShownEvent(event, payload),
        "type_label": event_type_label(event.type),
        "organization": event.organization,
        "actor": event.actor,
        "subject": event.subject_label,
        "payload": sorted(payload.items()) if isinstance(payload, dict) else [],
        "created_at": timezone.localtime(event.created_at),
    }


def _render(names: list[str], context: dict, language: str) -> str:
    with translation.override(language):
        return render_to_string(names, context).strip()


def _candidates(folder: str, event_type: str, suffix: str) -> list[str]:
    return [f"notifications/{folder}/{event_type}{suffix}", f"notifications/{folder}/generic{suffix}"]


def _bilingual(folder: str, event: Event, suffix: str, language: str, separator: str) -> str:
    context = _context(event)
    names = _candidates(folder, event.type, suffix)
    return separator.join(_render(names, context, code) for code in _languages(language))


def email_render(delivery: Delivery) -> EmailMultiAlternatives:
    event = delivery.event
    subject = _bilingual("email", event, "_subject.txt", delivery.language, " / ")
    text = _bilingual("email", event, ".txt", delivery.language, "\n\n————————\n\n")
    html = _bilingual("email", event, ".html", delivery.language, "\n<hr>\n")
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[delivery.to_address],
        headers={
            "Message-ID": f"<{delivery.message_id}@shooting-circle>",
            "X-Shooting-Circle-Event": event.type,
        },
    )
    message.attach_alternative(f"<html><body>{html}</body></html>", "text/html")
    return message


def webhook_body(event: Event) -> bytes:
    """The Standard Webhooks JSON body: ``{"type", "timestamp", "data"}``."""
    subject = None
    if event.subject_type_id is not None:
        subject = {"type": event.subject_label.split(":", 1)[0], "id": event.subject_id}
    document = {
        "type": event.type,
        "timestamp": event.created_at.isoformat(),
        "data": {
            "event_id": event.pk,
            "organization_id": event.organization_id,
            "subject": subject,
            "payload": event.payload,
        },
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def webhook_headers(*, secret: str, message_id: str, body: bytes, timestamp: int | None = None) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_compute(
            secret=secret, message_id=message_id, timestamp=timestamp, body=body
        ),
    }


def wecom_body(delivery: Delivery) -> bytes:
    content = _bilingual("wecom", delivery.event, ".md", delivery.language, "\n\n")
    encoded = content.encode()
    if len(encoded) > WECOM_MAX_BYTES:
        content = encoded[: WECOM_MAX_BYTES - 3].decode("utf-8", "ignore") + "…"
    document = {"msgtype": "markdown", "markdown": {"content": content}}
    return json.dumps(document, ensure_ascii=False).encode()


def _endpoint(delivery: Delivery):
    endpoint = delivery.endpoint
    if endpoint is None:
        raise DeliveryAbandoned("The webhook endpoint was deleted.")
    if not endpoint.is_active:
        raise DeliveryAbandoned("The webhook endpoint is switched off.")
    return endpoint


def delivery_send(delivery: Delivery) -> None:
    """Send one delivery; raise on failure (``DeliveryAbandoned`` when retrying cannot help)."""
    if delivery.channel == Delivery.Channel.EMAIL:
        email_render(delivery).send(fail_silently=False)
    elif delivery.channel == Delivery.Channel.WEBHOOK:
        endpoint = _endpoint(delivery)
        body = webhook_body(delivery.event)
        headers = webhook_headers(secret=endpoint.secret, message_id=str(delivery.message_id), body=body)
        http_post(url=endpoint.url, body=body, headers=headers)
    elif delivery.channel == Delivery.Channel.WECOM:
        endpoint = _endpoint(delivery)
        answer = http_post(url=endpoint.url, body=wecom_body(delivery), headers={})
        try:
            errcode = json.loads(answer or b"{}").get("errcode", 0)
        except (ValueError, AttributeError):
            errcode = 0
        if errcode:
            raise WebhookFailed(f"WeCom errcode {errcode}: {answer[:200].decode('utf-8', 'replace')}")
    else:
        raise DeliveryAbandoned(f"Unknown channel {delivery.channel!r}.")
