"""No secret where a lesser role or a log can read it: webhook URLs' queries and user-info, robot keys,
feed tokens and call-sheet tokens (issue 10, section 3)."""

import io
import json
import logging
import secrets
import threading
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils.log import log_response

from config.redaction import redact_log_message, redact_text, redact_url
from notifications.models import Delivery, Event
from notifications.services import webhook_endpoint_create
from notifications.tasks import delivery_attempt
from studio.models import Membership
from tests.factories import (
    CompanyFactory,
    DeliveryFactory,
    EventFactory,
    MembershipFactory,
    SetFactory,
    UserFactory,
    WebhookEndpointFactory,
)

pytestmark = pytest.mark.django_db

LESSER_ROLES = [Membership.Role.COORDINATOR, Membership.Role.MEMBER]


# The helper -----------------------------------------------------------------------------------------


def test_redact_url_keeps_scheme_host_port_and_path_and_masks_the_rest():
    assert (
        redact_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx")
        == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"
    )
    assert (
        redact_url("https://bot:s3cret@hooks.example.com:8443/in/42?token=abc&flag#frag")
        == "https://***@hooks.example.com:8443/in/42?token=***&***#***"
    )
    assert redact_url("https://hooks.example.com/in") == "https://hooks.example.com/in"


def test_redact_text_finds_the_urls_in_a_transport_error():
    # requests names the URL as a bare path after "with url:"; WeCom answers with links of its own
    error = (
        "ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: "
        "/hook?token=T0KEN-abc (Caused by NewConnectionError('refused')). See https://u:p@x.example/a?k=v."
    )
    assert redact_text(error) == (
        "ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: "
        "/hook?token=*** (Caused by NewConnectionError('refused')). See https://***@x.example/a?k=***."
    )
    # a key the receiver echoes outside any URL is masked when it is known
    assert redact_text('errmsg: "invalid key ROBOTKEY-1"', also=["ROBOTKEY-1"]) == 'errmsg: "invalid key ***"'


def test_log_lines_lose_feed_and_call_sheet_tokens():
    line = '"GET /api/v1/call-sheets/public/AbC_dEf-123456789012/image HTTP/1.1" 200 5'
    assert redact_log_message(line) == '"GET /api/v1/call-sheets/public/***/image HTTP/1.1" 200 5'
    line = '"GET /api/v1/bookings/calendar.ics?token=XyZ123456 HTTP/1.1" 200 512'
    assert redact_log_message(line) == '"GET /api/v1/bookings/calendar.ics?token=*** HTTP/1.1" 200 512'


# Events, deliveries and the admin ------------------------------------------------------------------


def test_endpoint_created_event_keeps_no_robot_key(allow_private):
    company = CompanyFactory()
    endpoint = webhook_endpoint_create(
        organization=company,
        name="群机器人",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=ROBOT-KEY-0001",
        kind="wecom",
    )
    event = Event.objects.get(type="webhook_endpoint.created")
    assert event.payload["url"] == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"
    assert endpoint.url.endswith("ROBOT-KEY-0001")  # the endpoint itself keeps what it needs


@pytest.mark.parametrize("role", LESSER_ROLES)
def test_events_and_deliveries_written_before_are_redacted_on_the_way_out(role, member, api):
    company = CompanyFactory()
    EventFactory(
        organization=company,
        type="webhook_endpoint.created",
        payload={
            "url": "https://qyapi.weixin.qq.com/send?key=OLD-ROBOT-KEY",
            "nested": ["http://a/b?t=OLD-T"],
        },
    )
    endpoint = WebhookEndpointFactory(organization=company, url="https://hooks.example.com/a?token=OLD-TOKEN")
    DeliveryFactory(
        endpoint=endpoint,
        channel=Delivery.Channel.WEBHOOK,
        status=Delivery.Status.RETRYING,
        last_error="ConnectionError: ... Max retries exceeded with url: /a?token=OLD-TOKEN (Caused by ...)",
    )
    client = api(member(company, role=role), company)
    events = client.get("/api/v1/events/")
    deliveries = client.get("/api/v1/deliveries/")
    assert events.status_code == deliveries.status_code == 200
    body = events.content.decode() + deliveries.content.decode()
    for secret in ("OLD-ROBOT-KEY", "OLD-T", "OLD-TOKEN"):
        assert secret not in body
    assert events.json()["results"][0]["payload"] == {
        "url": "https://qyapi.weixin.qq.com/send?key=***",
        "nested": ["http://a/b?t=***"],
    }
    assert "url: /a?token=*** (Caused" in deliveries.json()["results"][0]["last_error"]


def test_admin_shows_events_deliveries_and_endpoint_lists_redacted():
    company = CompanyFactory()
    event = EventFactory(organization=company, payload={"url": "https://h.example/x?key=ADMIN-KEY-1"})
    endpoint = WebhookEndpointFactory(organization=company, url="https://h.example/x?key=ADMIN-KEY-1")
    delivery = DeliveryFactory(
        event=event,
        endpoint=endpoint,
        channel=Delivery.Channel.WEBHOOK,
        last_error="HTTP 500: see https://h.example/x?key=ADMIN-KEY-1",
    )
    pages = {}
    for role in (Membership.Role.MEMBER, Membership.Role.MANAGER):
        client = _staff(company, role)
        for url in (
            "/admin/notifications/event/",
            f"/admin/notifications/event/{event.pk}/change/",
            "/admin/notifications/delivery/",
            f"/admin/notifications/delivery/{delivery.pk}/change/",
        ):
            pages[(role, url)] = client.get(url)
    pages["endpoints"] = _staff(company, Membership.Role.MANAGER).get("/admin/notifications/webhookendpoint/")
    for key, page in pages.items():
        assert page.status_code == 200, key
        assert "ADMIN-KEY-1" not in page.content.decode(), key
    assert (
        "key=***"
        in pages[(Membership.Role.MEMBER, f"/admin/notifications/event/{event.pk}/change/")].content.decode()
    )
    assert "key=***" in pages["endpoints"].content.decode()


def _staff(organization, role) -> Client:
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organization=organization, role=role)
    client = Client()
    client.force_login(user)
    return client


# Calendar feeds: the company's tokens are for owners and managers -----------------------------------


@pytest.mark.parametrize("role", LESSER_ROLES)
def test_lesser_roles_can_neither_read_nor_rotate_nor_revoke_feed_tokens(role, member, api):
    company = CompanyFactory()
    set_ = SetFactory()
    manager = api(member(company, role=Membership.Role.MANAGER), company)
    feed = manager.post("/api/v1/calendar-feeds/", {"set": set_.pk}, format="json").json()
    lesser = api(member(company, role=role), company)
    answers = [
        lesser.post("/api/v1/bookings/feed-url/", {}, format="json"),
        lesser.post("/api/v1/bookings/feed-url/", {"rotate": True}, format="json"),
        lesser.get("/api/v1/calendar-feeds/"),
        lesser.get(f"/api/v1/calendar-feeds/{feed['id']}/"),
        lesser.post("/api/v1/calendar-feeds/", {"set": set_.pk}, format="json"),
        lesser.delete(f"/api/v1/calendar-feeds/{feed['id']}/"),
    ]
    assert [answer.status_code for answer in answers] == [403] * 6
    assert all(feed["token"] not in answer.content.decode() for answer in answers)
    # a manager does all of it
    assert manager.post("/api/v1/bookings/feed-url/", {"rotate": True}, format="json").status_code == 200
    assert manager.get(f"/api/v1/calendar-feeds/{feed['id']}/").json()["token"] == feed["token"]
    assert manager.delete(f"/api/v1/calendar-feeds/{feed['id']}/").status_code == 204


# Logs -----------------------------------------------------------------------------------------------


@contextmanager
def printed_logs():
    """Everything the configured handlers print (the console and runserver's access log), at DEBUG."""
    buffer = io.StringIO()
    root, server = logging.getLogger(), logging.getLogger("django.server")
    handlers = [h for h in root.handlers if h.get_name() == "console"]
    handlers += [h for h in server.handlers if h.get_name() == "django.server"]
    assert len(handlers) == 2, "the LOGGING handlers are not installed"
    saved = [(handler, handler.stream, handler.level) for handler in handlers]
    root_level = root.level
    for handler in handlers:
        handler.setStream(buffer)
        handler.setLevel(logging.DEBUG)
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.setLevel(root_level)
        for handler, stream, level in saved:
            handler.setStream(stream)
            handler.setLevel(level)


def runserver_requests(paths: list[str]) -> None:
    """Requests through Django's development server handler, which writes the access log line."""
    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(app)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        for path in paths:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}{path}", timeout=5) as r:
                r.read()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_runserver_access_log_and_request_errors_hold_no_token():
    token, sheet = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    path = f"/api/v1/call-sheets/public/{sheet}/"
    with printed_logs() as output:
        runserver_requests([f"/api/v1/bookings/calendar.ics?token={token}", f"{path}image/"])
        # django.request logs the server errors (a 4xx is the access log's line alone), as Django does:
        log_response(
            "Internal Server Error: %s",
            path,
            response=HttpResponse(status=500),
            request=RequestFactory().get(path),
        )
    text = output.getvalue()
    assert token not in text and sheet not in text
    assert "/api/v1/bookings/calendar.ics?token=***" in text
    assert "Internal Server Error: /api/v1/call-sheets/public/***/" in text


def test_gunicorn_access_and_error_logs_hold_no_token():
    from gunicorn.config import Config

    from config.access_log import GunicornLogger

    token, sheet = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    config = Config()
    config.set("accesslog", "-")
    config.set("errorlog", "-")
    logger = GunicornLogger(config)
    buffer = io.StringIO()
    for handler in logger.access_log.handlers + logger.error_log.handlers:
        handler.setStream(buffer)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/api/v1/bookings/calendar.ics?token={token}",
        "PATH_INFO": "/api/v1/bookings/calendar.ics",
        "QUERY_STRING": f"token={token}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://sc.example.cn/api/v1/call-sheets/public/{sheet}/",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
    logger.error("Error handling request /api/v1/call-sheets/public/%s/", sheet)
    text = buffer.getvalue()
    assert "GET /api/v1/bookings/calendar.ics?token=*** HTTP/1.1" in text
    assert token not in text and sheet not in text
    # the image runs gunicorn with this logger
    dockerfile = (Path(django_settings.BASE_DIR) / "Dockerfile").read_text()
    assert '"--logger-class", "config.access_log.GunicornLogger"' in dockerfile


# The whole workflow, grepped ------------------------------------------------------------------------


def test_no_member_response_event_delivery_log_or_admin_list_shows_a_secret(
    allow_private, receiver, queued, member, api
):
    robot_key = "ROBOTKEY-" + secrets.token_hex(8)
    hook_token = "HOOKTOKEN-" + secrets.token_hex(8)
    hook_password = "HOOKPASS-" + secrets.token_hex(8)
    # the robot answers like WeCom does to a bad key, echoing it back
    robot = receiver(
        lambda n, headers, body: (
            200,
            json.dumps({"errcode": 93000, "errmsg": f"invalid webhook url, key={robot_key}"}).encode(),
            {},
        )
    )
    robot_url = robot.url.replace("/hook", f"/cgi-bin/webhook/send?key={robot_key}")
    refused_url = f"http://hook:{hook_password}@127.0.0.1:1/hook?token={hook_token}"

    company = CompanyFactory()
    set_ = SetFactory()
    owner = api(member(company, role=Membership.Role.OWNER), company)
    with printed_logs() as output:
        endpoints = [
            owner.post(
                "/api/v1/webhook-endpoints/",
                {"name": "剧组群", "url": robot_url, "kind": "wecom"},
                format="json",
            ),
            owner.post("/api/v1/webhook-endpoints/", {"name": "ERP", "url": refused_url}, format="json"),
        ]
        assert [e.status_code for e in endpoints] == [201, 201], [e.json() for e in endpoints]
        renamed = owner.patch(
            f"/api/v1/webhook-endpoints/{endpoints[1].json()['id']}/",
            {"url": refused_url.replace("/hook", "/hook2")},
            format="json",
        )
        assert renamed.status_code == 200
        for endpoint in endpoints:
            assert owner.post(f"/api/v1/webhook-endpoints/{endpoint.json()['id']}/ping/").status_code == 202
        for delivery in Delivery.objects.filter(organization=company, endpoint__isnull=False):
            assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.RETRYING

        first_feed = owner.post("/api/v1/bookings/feed-url/", {}, format="json").json()["token"]
        booking_feed = owner.post("/api/v1/bookings/feed-url/", {"rotate": True}, format="json").json()[
            "token"
        ]
        set_feed = owner.post("/api/v1/calendar-feeds/", {"set": set_.pk}, format="json").json()["token"]
        assert api().get(f"/api/v1/bookings/calendar.ics?token={first_feed}").status_code == 404
        assert api().get(f"/api/v1/bookings/calendar.ics?token={booking_feed}").status_code == 200
        sheet = secrets.token_urlsafe(24)
        assert api().get(f"/api/v1/call-sheets/public/{sheet}/").status_code == 404
        runserver_requests(
            [
                f"/api/v1/bookings/calendar.ics?token={booking_feed}",
                f"/api/v1/sets/{set_.pk}/calendar.ics?token={set_feed}",
                f"/api/v1/call-sheets/public/{sheet}/",
            ]
        )

        seen = {}
        for role in LESSER_ROLES:
            client = api(member(company, role=role), company)
            for url in ("/api/v1/events/", "/api/v1/deliveries/", "/api/v1/me/", "/api/v1/organizations/"):
                response = client.get(url)
                assert response.status_code == 200, (role, url)
                seen[(role, url)] = response
                if url in ("/api/v1/events/", "/api/v1/deliveries/"):
                    for row in response.json()["results"]:
                        seen[(role, url, row["id"])] = client.get(f"{url}{row['id']}/")
            for url in ("/api/v1/webhook-endpoints/", "/api/v1/calendar-feeds/"):
                seen[(role, url)] = client.get(url)
                assert seen[(role, url)].status_code == 403
            seen[(role, "feed-url")] = client.post("/api/v1/bookings/feed-url/", {}, format="json")
            assert seen[(role, "feed-url")].status_code == 403
            staff = _staff(company, role)
            for model in ("event", "delivery"):
                seen[(role, model)] = staff.get(f"/admin/notifications/{model}/")
                for pk in (
                    (Event if model == "event" else Delivery)
                    .objects.filter(organization=company)
                    .values_list("pk", flat=True)
                ):
                    seen[(role, model, pk)] = staff.get(f"/admin/notifications/{model}/{pk}/change/")
        seen["endpoint list"] = _staff(company, Membership.Role.MANAGER).get(
            "/admin/notifications/webhookendpoint/"
        )
        logs = output.getvalue()

    texts = {key: response.content.decode() for key, response in seen.items()}
    texts["logs"] = logs
    for key, text in texts.items():
        for secret in (robot_key, hook_token, hook_password, first_feed, booking_feed, set_feed, sheet):
            assert secret not in text, (key, secret)
    # what was shown instead: enough to tell which endpoint failed and why
    deliveries = " ".join(texts[(Membership.Role.MEMBER, "/api/v1/deliveries/")].split())
    assert "WeCom errcode 93000" in deliveries and "url: /hook2?token=***" in deliveries
    events = texts[(Membership.Role.MEMBER, "/api/v1/events/")]
    assert "/cgi-bin/webhook/send?key=***" in events
    assert "delivery" in logs and "failed" in logs and "token=***" in logs and "key=***" in logs
    assert all(response.status_code == 200 for key, response in seen.items() if len(key) == 3)


def test_a_worker_s_own_log_handlers_get_the_filter():
    """Celery replaces the root handlers in a worker; the ones it installs are redacted too."""
    from config.celery import redact_worker_logs

    buffer = io.StringIO()
    worker_logger = logging.Logger("worker-root-for-test")
    worker_logger.addHandler(logging.StreamHandler(buffer))
    redact_worker_logs(logger=worker_logger)
    redact_worker_logs(logger=worker_logger)  # a second setup adds nothing
    assert len(worker_logger.handlers[0].filters) == 1
    worker_logger.error("POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=WORKERKEY-12345 failed")
    assert buffer.getvalue() == "POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=*** failed\n"
