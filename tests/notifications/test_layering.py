"""notifications is the outbox and channel layer: the apps whose events it carries sit above it and import
it, never the other way round. Each app builds the messages about its own events (``<app>.messages``,
found at start-up by ``NotificationsConfig.ready``), so notifications needs none of them to say what
happened."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from notifications.messages import BUILDERS
from tests.event_docs import emitted_types

ROOT = Path(__file__).resolve().parent.parent.parent
#: the apps above notifications (they record events through it)
ABOVE = ("bookings", "locations", "crews", "review")
#: where the builders of each app's events are
MESSAGES = {app: f"{app}.messages" for app in (*ABOVE, "studio")} | {
    "notifications": "notifications.messages"
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in ``path``, at module level or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_notifications_imports_no_app_above_it():
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / "notifications").rglob("*.py"))
        for line, module in _imports(path)
        if module.split(".")[0] in ABOVE
    ]
    assert upward == []


@pytest.mark.parametrize("app", sorted(MESSAGES))
def test_each_app_builds_the_messages_about_its_own_events(app):
    types = emitted_types((app,))
    assert types, app
    assert {event_type: getattr(BUILDERS.get(event_type), "__module__", None) for event_type in types} == {
        event_type: MESSAGES[app] for event_type in types
    }


PROBE = """
import django
django.setup()
from notifications.messages import BUILDERS
print(" ".join(sorted(BUILDERS)))
"""


def test_a_process_that_runs_django_setup_has_every_builder():
    """What the Celery worker does (``django.setup()``, then a delivery renders its event): start-up finds
    every app's builders; nothing has to import them by hand."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    found = set(probe.stdout.strip().splitlines()[-1].split())
    assert found == set(BUILDERS)
    assert sorted(emitted_types() - found) == []
