import base64
import hashlib
import hmac

import pytest
from django.utils import timezone

from config.exceptions import DomainError
from notifications.models import Delivery
from notifications.services import webhook_endpoint_create
from notifications.tasks import delivery_attempt
from notifications.webhooks import (
    UnsafeWebhookUrl,
    http_post,
    secret_generate,
    signature_compute,
    signature_verify,
    webhook_url_check,
)
from tests.factories import CompanyFactory, DeliveryFactory, WebhookEndpointFactory


def test_signature_matches_the_standard_webhooks_test_vector():
    signature = signature_compute(
        secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        message_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp=1614265330,
        body=b'{"test": 2432232314}',
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_receiver_can_verify_and_detects_tampering():
    secret = secret_generate()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 24
    body = '{"type":"booking.confirmed","data":{"价格":"300.00"}}'.encode()
    headers = {"webhook-id": "abc", "webhook-timestamp": "1700000000"}
    headers["webhook-signature"] = signature_compute(
        secret=secret, message_id="abc", timestamp=1700000000, body=body
    )
    key = base64.b64decode(secret.removeprefix("whsec_"))
    independent = base64.b64encode(hmac.new(key, b"abc.1700000000." + body, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{independent}"
    assert signature_verify(secret=secret, headers=headers, body=body)
    assert not signature_verify(secret=secret, headers=headers, body=body + b" ")
    assert not signature_verify(secret=secret_generate(), headers=headers, body=body)


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",  # not https
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://10.0.0.8/x",
        "https://192.168.1.20/x",
        "https://172.16.0.1/x",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/x",  # carrier-grade NAT
        "https://[::1]/x",
        "https://[fe80::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://0.0.0.0/x",
        "https://build.internal/x",  # a name resolving to a private address
        "ftp://hooks.example.com/x",
        "https:///no-host",
    ],
)
def test_unsafe_targets_are_refused(url, public_dns, settings):
    settings.DEBUG = False
    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = False
    with pytest.raises(UnsafeWebhookUrl):
        webhook_url_check(url)


def test_public_https_target_is_accepted(public_dns, settings):
    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = False
    webhook_url_check("https://hooks.example.com/shooting-circle")
    webhook_url_check("https://93.184.215.14:8443/x")


def test_unresolvable_host_is_refused(settings, monkeypatch):
    import socket

    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = False

    def no_dns(*args, **kwargs):
        raise socket.gaierror("no such host")

    monkeypatch.setattr("notifications.webhooks.socket.getaddrinfo", no_dns)
    with pytest.raises(UnsafeWebhookUrl):
        webhook_url_check("https://nowhere.example/x")


def test_debug_or_the_setting_allow_loopback(settings):
    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = False
    settings.DEBUG = True
    webhook_url_check("http://127.0.0.1:8080/x")
    settings.DEBUG = False
    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = True
    webhook_url_check("http://127.0.0.1:8080/x")


@pytest.mark.django_db
def test_registering_a_private_endpoint_is_refused(settings):
    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = False
    with pytest.raises(DomainError) as refused:
        webhook_endpoint_create(organization=CompanyFactory(), name="internal", url="https://10.0.0.1/hook")
    assert refused.value.code == "unsafe_webhook_url"
    assert "url" in refused.value.fields


@pytest.mark.django_db
def test_endpoint_turned_private_after_registration_is_refused_at_send_time(settings, receiver, queued):
    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = False
    hook = receiver()
    endpoint = WebhookEndpointFactory(url=hook.url)  # as if its DNS later moved to a private address
    delivery = DeliveryFactory(
        endpoint=endpoint, channel=Delivery.Channel.WEBHOOK, next_attempt_at=timezone.now()
    )
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.DEAD
    delivery.refresh_from_db()
    assert "UnsafeWebhookUrl" in delivery.last_error
    assert hook.requests == []


@pytest.mark.django_db
def test_a_host_that_stops_resolving_is_retried_not_abandoned(settings, monkeypatch, queued):
    import socket

    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = False

    def no_dns(*args, **kwargs):
        raise socket.gaierror("temporary failure in name resolution")

    monkeypatch.setattr("notifications.webhooks.socket.getaddrinfo", no_dns)
    endpoint = WebhookEndpointFactory(url="https://hooks.example.com/x")
    delivery = DeliveryFactory(
        endpoint=endpoint, channel=Delivery.Channel.WEBHOOK, next_attempt_at=timezone.now()
    )
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.RETRYING


def test_a_name_that_rebinds_to_a_private_address_is_refused_before_anything_is_sent(
    settings, monkeypatch, receiver
):
    """DNS rebinding: the check sees a public address, the connection a private one; the peer decides."""
    import socket
    from urllib.parse import urlsplit

    settings.DEBUG = False
    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = False
    hook = receiver()
    port = urlsplit(hook.url).port
    answers = iter(["93.184.215.14", "127.0.0.1"])  # first the check's look-up, then the connection's
    real = socket.getaddrinfo
    seen = []

    def rebinding(host, *args, **kwargs):
        if host == "rebind.example":
            seen.append(address := next(answers))
            return real(address, *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr("notifications.webhooks.socket.getaddrinfo", rebinding)
    with pytest.raises(UnsafeWebhookUrl) as refused:
        http_post(url=f"https://rebind.example:{port}/hook", body=b"{}", headers={})
    assert seen == ["93.184.215.14", "127.0.0.1"]  # the check passed; the connection was refused
    assert refused.value.code == "unsafe_webhook_url" and "url" in refused.value.fields
    assert hook.arrived == 0


def test_loopback_peers_are_allowed_where_private_targets_are(settings, receiver):
    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = True
    hook = receiver()
    http_post(url=hook.url, body=b"{}", headers={})
    assert hook.arrived == 1
