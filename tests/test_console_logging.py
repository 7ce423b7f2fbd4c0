"""What the console prints: a 4xx once (the access log's line), Django's records once, routine tasks quiet.

The runner's own start-up block and the absence of banners are checked for real in test_make_targets.py.
"""

import io
import logging
from contextlib import contextmanager

import pytest
from celery.app import trace

from config.celery import quiet_routine_tasks


@pytest.fixture
def quiet():
    """The worker and beat of ``make run`` (scripts/devserver.py sets CELERY_ROUTINE_TASKS_AT_DEBUG=1)."""
    quiet_routine_tasks()
    yield
    quiet_routine_tasks(on=False)


@contextmanager
def console():
    """Everything the handlers of settings.LOGGING print, at INFO, with Django's default handlers too."""
    buffer = io.StringIO()
    handlers = [handler for handler in logging.getLogger().handlers if handler.get_name() == "console"]
    assert len(handlers) == 1, "settings.LOGGING's console handler is not installed"
    [handler] = handlers
    saved = handler.stream
    handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(saved)


@pytest.mark.django_db
def test_a_4xx_is_left_to_the_access_log(client):
    with console() as output:
        assert client.get("/no-such-page/").status_code == 404
    assert output.getvalue() == ""  # no "Not Found" from django.request


def test_a_server_error_is_logged_once():
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.utils.log import log_response

    with console() as output:
        log_response(
            "Internal Server Error: %s",
            "/boom/",
            response=HttpResponse(status=500),
            request=RequestFactory().get("/boom/"),
        )
    assert output.getvalue().count("Internal Server Error: /boom/") == 1


def _task_line(name: str, message: str = trace.LOG_SUCCESS) -> None:
    logging.getLogger("celery.app.trace").info(
        message,
        {"id": "7", "name": name, "runtime": 0.1, "return_value": 20, "exc": "x", "args": (), "kwargs": {}},
    )


def test_routine_tasks_are_not_logged_line_by_line(quiet):
    with console() as output:
        _task_line("notifications.deliveries_attempt")
        logging.getLogger("celery.beat").info(
            "Scheduler: Sending due task %s (%s)", "re-queue", "notifications.deliveries_relay"
        )
        _task_line("celery.backend_cleanup")
        _task_line("notifications.delivery_attempt", trace.LOG_RETRY)
    text = output.getvalue()
    assert "deliveries_attempt" not in text and "deliveries_relay" not in text
    assert "Task celery.backend_cleanup[7] succeeded" in text  # any other task still shows
    assert "Task notifications.delivery_attempt[7] retry" in text  # and a routine task's retry


def test_routine_tasks_show_at_debug(quiet):
    logger = logging.getLogger("celery.app.trace")
    records = []
    capture = logging.Handler(logging.DEBUG)
    capture.emit = records.append
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)  # what --loglevel=DEBUG does
    try:
        _task_line("notifications.deliveries_attempt")
    finally:
        logger.setLevel(logging.NOTSET)
        logger.removeHandler(capture)
    assert [record.levelname for record in records] == ["DEBUG"]


def test_djangos_records_are_printed_by_one_handler():
    """Django's default console handler (DEBUG only) would print each record a second time, unformatted."""
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate


def test_elsewhere_every_task_logs_as_celery_does():
    with console() as output:
        _task_line("notifications.deliveries_relay")
    assert "Task notifications.deliveries_relay[7] succeeded" in output.getvalue()
