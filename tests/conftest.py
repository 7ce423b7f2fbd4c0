import importlib
import os
import threading
import time

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import translation
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from locations import catalogue_cache
from studio.models import Membership
from tests import celery_worker
from tests.browser import browser  # noqa: F401 - a real Chromium for the browser tests
from tests.celery_worker import celery_worker_service, worker  # noqa: F401 - fixtures for every test
from tests.factories import MembershipFactory, OrganizationFactory, token_for

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_sessionstart(session):
    """Under CI the real services are required: their absence fails the run instead of skipping."""
    if not IN_CI:
        return
    problems = []
    if not settings.IS_POSTGRESQL:
        problems.append("DATABASE_URL does not point at PostgreSQL")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
        except Exception as exc:  # noqa: BLE001
            problems.append(f"Redis at REDIS_URL does not answer: {exc}")
    if problems:
        raise pytest.UsageError("CI=true but the required services are missing: " + "; ".join(problems))


@receiver(post_migrate, dispatch_uid="tests.tier_rules_after_flush")
def _tier_rules_after_flush(sender, **kwargs):
    """A transactional test's flush empties every table, then sends post_migrate (which brings back the
    content types and permissions): bring back the data migration's tier rules with them, so that the
    tests after it do not depend on running before every transactional test (pytest-django runs those
    last in a process, but pytest-xdist hands each worker whole files in turn)."""
    if sender.label == "review" and "apps" not in kwargs:  # a flush (migrate runs the migration itself)
        seeding = importlib.import_module("studio.migrations.0003_seed_tier_rules")
        seeding.seed_rules(django_apps.get_model("review", "TierRule"))


def pytest_itemcollected(item):
    """A test that starts real processes (``integration``) or drives a browser (``browser``) is ``slow``:
    outside ``make test-fast``'s quick tier (this runs before ``-m`` deselects)."""
    if item.get_closest_marker("integration") or item.get_closest_marker("browser"):
        item.add_marker(pytest.mark.slow)


#: Work that one pytest-xdist worker takes as a whole, its files one after the other, as it takes a file
#: (``FileGroupScheduling``): the races (20 to 51 database connections each: two at once, beside the
#: other worker and the machine's other users, could exhaust PostgreSQL's 100), and the tests of the real
#: Celery worker (started once for all of them, tests/celery_worker.py). Named by file, or by test.
XDIST_GROUPS = {
    "races": (
        "tests/bookings/test_concurrency.py",
        "tests/crews/test_concurrency.py",
        "tests/review/test_concurrency.py",
        "tests/test_idempotency.py::test_twenty_concurrent_posts_with_one_key_make_one_production",
    ),
    "celery-worker": (
        "tests/bookings/test_worker_integration.py",
        "tests/notifications/test_worker_integration.py",
        "tests/review/test_worker_integration.py",
    ),
}

#: The longest work first under pytest-xdist (a group or a file): one worker starts on the races at once
#: while the other takes the rest, instead of the run ending on one of them alone.
LONGEST_FIRST = (
    "races",
    "tests/test_schemathesis.py",
    "celery-worker",
    "tests/review/test_workflow.py",
    "tests/test_seed_demo.py",
)


def xdist_unit(nodeid: str) -> str:
    """The work unit of a test: its group in ``XDIST_GROUPS``, else its file."""
    path, test = nodeid.split("::", 1)[0], nodeid.split("[", 1)[0]
    for group, members in XDIST_GROUPS.items():
        if path in members or test in members:
            return group
    return path


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering (transactional tests last)
def pytest_collection_modifyitems(config, items):
    """The tests of a group run next to each other, at the place of its first test (so the session's
    Celery worker starts once, for its group, and stops after it); under pytest-xdist the units in
    ``LONGEST_FIRST`` come first (every worker sorts alike)."""
    strays = [
        item.nodeid
        for item in items
        if "worker" in getattr(item, "fixturenames", ()) and xdist_unit(item.nodeid) != "celery-worker"
    ]
    if strays:
        raise pytest.UsageError(
            f"list the files of {strays} in XDIST_GROUPS['celery-worker'] (tests/conftest.py)"
        )
    rank = {unit: index for index, unit in enumerate(LONGEST_FIRST)} if hasattr(config, "workerinput") else {}
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        first.setdefault(xdist_unit(item.nodeid), index)

    def position(index_item):
        index, item = index_item
        unit = xdist_unit(item.nodeid)
        together = unit in XDIST_GROUPS or unit in rank
        return (rank.get(unit, len(rank)), first[unit] if together else index, index)

    items[:] = [item for _index, item in sorted(enumerate(items), key=position)]


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` (the Makefile's), with each group of ``XDIST_GROUPS`` taken as one file.

    (pytest-xdist's own ``xdist_group`` marks do nothing with pytest 9.2: ``--dist loadgroup`` tags the
    node ids, which pytest 9.2 no longer lets it change, pytest-dev/pytest-xdist#1386.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FileGroupScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_unit(nodeid)

    return FileGroupScheduling(config, log)


@pytest.hookimpl(trylast=True)  # after the test's fixtures are torn down
def pytest_runtest_teardown(item, nextitem):
    celery_worker.stop_after(item, nextitem)


def require_postgresql():
    """Skip locally (never under CI) when a test needs PostgreSQL-only behaviour."""
    if not settings.IS_POSTGRESQL:
        if IN_CI:
            pytest.fail("PostgreSQL is required under CI")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def require_redis():
    if not settings.REDIS_URL:
        if IN_CI:
            pytest.fail("Redis is required under CI")
        pytest.skip("needs Redis (set REDIS_URL)")


class RequestClock:
    """Times every request the suite makes (test client or WSGI app) and keeps those over the limit.

    The benchmark-free check that nothing a client sends holds a worker for long: no request on the test
    database may take more than ``TEST_REQUEST_SECONDS`` (5 by default) of its thread's CPU, nor more
    than four times that of wall clock (waiting on the database or a lock). The machine's speed swings
    4x within an hour and CI may share it, so CPU is the measure that a busy neighbour cannot inflate,
    and the wall-clock bound still catches a request that sleeps or waits. A request that ran while
    another was in flight (the race tests' threads) is not held to it: its time is the contention's, not
    its own. A test that must make a slower request says so with ``@pytest.mark.request_seconds(n)``.
    """

    #: Wall clock allowed per request, as a multiple of the CPU limit.
    WALL_FACTOR = 4

    def __init__(self, limit: float):
        self.limit = limit
        self.lock = threading.Lock()
        self.local = threading.local()
        self.reset()

    def reset(self, limit: float | None = None) -> None:
        with self.lock:
            self.in_flight = 0
            self.begun = 0
            self.slow: list[tuple[float, float, str]] = []
            self.current_limit = limit or self.limit

    def started(self, sender, environ=None, **kwargs) -> None:
        environ = environ or {}
        with self.lock:
            self.in_flight += 1
            self.begun += 1
            self.local.request = (
                (time.perf_counter(), time.thread_time()),
                self.in_flight == 1,
                self.begun,
                f"{environ.get('REQUEST_METHOD', '?')} {environ.get('PATH_INFO', '?')}",
            )

    def finished(self, sender, **kwargs) -> None:
        request = getattr(self.local, "request", None)
        if request is None:
            return
        self.local.request = None
        started, alone, begun, name = request
        wall, cpu = time.perf_counter() - started[0], time.thread_time() - started[1]
        with self.lock:
            self.in_flight = max(0, self.in_flight - 1)
            alone = alone and self.begun == begun  # no other request began meanwhile
            if alone and (cpu > self.current_limit or wall > self.WALL_FACTOR * self.current_limit):
                self.slow.append((cpu, wall, name))


request_clock = RequestClock(float(os.environ.get("TEST_REQUEST_SECONDS", "5")))
request_started.connect(request_clock.started, weak=False, dispatch_uid="tests.request_clock.started")
request_finished.connect(request_clock.finished, weak=False, dispatch_uid="tests.request_clock.finished")


def pytest_configure(config):
    config.addinivalue_line("markers", "request_seconds(n): allow this test's requests n seconds each")


@pytest.fixture(autouse=True)
def _no_slow_requests(request):
    marker = request.node.get_closest_marker("request_seconds")
    request_clock.reset(marker.args[0] if marker else None)
    yield
    slow = request_clock.slow
    if slow:
        listed = ", ".join(
            f"{name} took {cpu:.1f} s of CPU in {wall:.1f} s"
            for cpu, wall, name in sorted(slow, reverse=True)
        )
        limit = request_clock.current_limit
        pytest.fail(
            f"requests over {limit:g} s of CPU (or {RequestClock.WALL_FACTOR * limit:g} s of wall clock) "
            f"on the test database: {listed}"
        )


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language, whatever the test before it asked for.

    ``LocaleMiddleware`` activates a request's language for the rest of its thread, so a test's request
    in English left English active for the next test's direct service calls and their messages.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _generous_throttles(monkeypatch):
    """Throttle counters outlive a test; keep them out of the way unless a test lowers them."""
    for scope in list(api_settings.DEFAULT_THROTTLE_RATES):
        monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, scope, "100000/min")


@pytest.fixture(autouse=True)
def _fresh_catalogue_copies():
    """A test's rolled-back rows bump no catalogue version: each test starts without cached copies."""
    catalogue_cache.clear()
    yield
    catalogue_cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness costs half a second per test user; tests need no brute-force cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mail_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def member():
    """``member(org=None, role=..., kind=...)`` → a user with a membership."""

    def make(organization=None, role=Membership.Role.COORDINATOR, kind=None):
        if organization is None:
            organization = OrganizationFactory(**({"kind": kind} if kind else {}))
        return MembershipFactory(organization=organization, role=role).user

    return make


@pytest.fixture
def api():
    """``api(user=None, organization=None)`` → an APIClient with the user's token and acting organisation."""

    def make(user=None, organization=None):
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        if organization is not None:
            client.defaults["HTTP_X_ORGANIZATION"] = str(organization.pk)
        return client

    return make
