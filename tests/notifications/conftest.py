import socket

import pytest

from tests.notifications.receiver import Receiver


@pytest.fixture
def queued(monkeypatch):
    """Delivery ids queued after commit (instead of reaching the broker), with their ETA."""
    calls: list[tuple[list[int], object]] = []

    def fake(delivery_ids, *, eta=None):
        calls.append((list(delivery_ids), eta))

    monkeypatch.setattr("notifications.tasks.deliveries_enqueue", fake)
    return calls


@pytest.fixture
def public_dns(monkeypatch):
    """Names resolve to a public address (the sandbox has no DNS); ``.internal`` names to a private one."""
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host in {"localhost", "127.0.0.1", "::1"}:
            return real(host, *args, **kwargs)
        address = "10.1.2.3" if str(host).endswith(".internal") else "93.184.215.14"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 443))]

    monkeypatch.setattr("notifications.webhooks.socket.getaddrinfo", fake)


@pytest.fixture
def allow_private(settings):
    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = True


@pytest.fixture
def receiver():
    """``receiver(respond=None)`` → a started ``Receiver`` on 127.0.0.1, stopped after the test."""
    started = []

    def make(respond=None):
        instance = Receiver(respond).start()
        started.append(instance)
        return instance

    yield make
    for instance in started:
        instance.stop()
