"""What changed in a person's line between two versions of a call sheet, and how a change reads.

Publishing (``crews.services.callsheets``) stores each person's changes as data; the call sheet page
(``crews.render``) and the notifications about it (``crews.messages``) word them in the reader's language.
Plain text helpers: nothing here sends or writes.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from crews.models import Role

#: the fields of a person's line that, when changed, make them be notified again
LINE_FIELDS = ("role", "call_at", "makeup_ready_at", "on_set_at", "released_at", "note", "scenes")


def _hm(value: str | None) -> str:
    if not value:
        return "—"
    return value[11:16]


def _value_text(field: str, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if field.endswith("_at"):
        return _hm(value)
    if field == "scenes":
        return "、".join(value)
    if field == "role":
        return str(dict(Role.choices).get(value, value))
    return str(value)


def line_changes(old: dict | None, new: dict | None) -> list[dict]:
    """What changed in a person's line between two versions (``added`` / ``removed`` when one is missing)."""
    if old is None and new is None:
        return []
    if old is None:
        return [{"field": "added"}]
    if new is None:
        return [{"field": "removed"}]
    return [
        {"field": field, "old": _value_text(field, old.get(field)), "new": _value_text(field, new.get(field))}
        for field in LINE_FIELDS
        if old.get(field) != new.get(field)
    ]


def change_text(change: dict) -> str:
    """One of ``line_changes`` in words, in the active language."""
    labels = {
        "role": pgettext("crew", "role"),
        "call_at": _("call time"),
        "makeup_ready_at": _("makeup ready"),
        "on_set_at": _("on set"),
        "released_at": _("release time"),
        "note": _("note"),
        "scenes": _("scenes"),
    }
    if change["field"] == "added":
        return _("newly called")
    if change["field"] == "removed":
        return _("no longer called")
    return _("%(field)s: %(old)s → %(new)s") % {
        "field": labels.get(change["field"], change["field"]),
        "old": change["old"],
        "new": change["new"],
    }
