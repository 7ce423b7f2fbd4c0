"""How one delivery leaves: an email, a Standard Webhooks POST or a WeCom robot message.

Emails and robot messages say in words what happened (``notifications.messages``: one builder per event
type, in the app whose event it is, and one layout per channel), in the recipient's language first and the
other one below.
"""

import json
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder

from notifications.messages import email_parts, wecom_markdown
from notifications.models import Delivery, Event
from notifications.webhooks import WebhookFailed, http_post, signature_compute


class DeliveryAbandoned(Exception):
    """Retrying cannot help (the endpoint was removed or switched off): the delivery is dead at once."""


def delivery_language(delivery: Delivery) -> str:
    """The recipient organisation's language (the site's default until organisations carry their own)."""
    organization = delivery.organization if delivery.organization_id else None
    return getattr(organization, "language", "") or delivery.language or settings.LANGUAGE_CODE


def email_render(delivery: Delivery) -> EmailMultiAlternatives:
    event = delivery.event
    parts = email_parts(event, delivery_language(delivery), to=delivery.organization)
    message = EmailMultiAlternatives(
        subject=parts.subject,
        body=parts.text,
        to=[delivery.to_address],
        headers={
            "Message-ID": f"<{delivery.message_id}@shooting-circle>",
            "X-Shooting-Circle-Event": event.type,
        },
    )
    message.attach_alternative(parts.html, "text/html")
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
    content = wecom_markdown(delivery.event, delivery_language(delivery), to=delivery.organization)
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
