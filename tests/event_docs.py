"""docs/events.md read back: the example payload of each event type, and the types the code can emit."""

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "events.md"
APPS = ("bookings", "crews", "studio", "review", "notifications", "locations", "config")
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")


def documented_payloads() -> dict[str, dict]:
    """``### `type` `` headings, each followed by its example payload in a ```json block."""
    text = DOC.read_text()
    found = re.findall(r"^### `([a-z_]+\.[a-z_]+)`\n.*?```json\n(.*?)\n```", text, flags=re.S | re.M)
    return {event_type: json.loads(body) for event_type, body in found}


def _strings(node) -> list[str]:
    """The string constants a type argument can be: a literal, or either branch of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def emitted_types(apps: tuple[str, ...] = APPS) -> set[str]:
    """Every event type the application code (of ``apps``) records: ``event_record(type=…)``,
    ``booking_event(x, "…")``, the review centre's ``_emit("…", …)``, the crews outbox's
    ``{"type": "…", "payload": …}`` items and the events of the workflows' tables (``config.workflow``)."""
    types: set[str] = set()
    for app in apps:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                    if name in {"event_record", "event_record_update", "Event"}:
                        for keyword in node.keywords:
                            if keyword.arg == "type":
                                types.update(_strings(keyword.value))
                    elif name == "booking_event" and len(node.args) >= 2:
                        types.update(_strings(node.args[1]))
                    elif name == "_emit" and node.args:
                        types.update(_strings(node.args[0]))
                elif isinstance(node, ast.Dict):
                    keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                    if "type" in keys and "payload" in keys:
                        types.update(_strings(node.values[keys.index("type")]))
    from config.workflow import all_workflows

    workflows = [workflow for workflow in all_workflows() if type(workflow).__module__.split(".")[0] in apps]
    types |= {row.event for workflow in workflows for row in workflow.table.values() if row.event}
    return {t for t in types if re.fullmatch(r"[a-z_]+\.[a-z_]+", t)}


def times_in(value, path=""):
    """(path, value) of every ``*_at`` value in a payload, however nested."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_at") and not isinstance(item, dict | list):
                yield f"{path}{key}", item
            else:
                yield from times_in(item, f"{path}{key}.")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from times_in(item, f"{path}{index}.")
