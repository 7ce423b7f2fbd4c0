"""Messages about productions (payloads: ``studio.services``, ``studio.workflow``).

The builders register themselves with ``notifications.messages.base.message`` when this module is imported
(``StudioConfig.ready``); ``notifications.messages`` renders what they build.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.links import admin_change_url
from notifications.messages.base import Message, choice_label, message
from studio.models import Production


def production_link(note: Message, p: dict) -> Message:
    """Link to the production's admin page (``review.messages`` does too, for the tier change)."""
    note.link(_("Open the production"), admin_change_url("studio", "production", p.get("production")))
    return note


@message("production.created", label=gettext_lazy("Production created"))
def production_created(p: dict, event, to) -> Message:
    return production_link(
        Message(title=_("Production created: %(title)s") % {"title": p.get("title", "")}, tone="comment"), p
    )


@message("production.updated", label=gettext_lazy("Production details changed"))
def production_updated(p: dict, event, to) -> Message:
    return production_link(Message(title=_("Production details changed"), tone="comment"), p)


@message("production.status_changed", label=gettext_lazy("Production status changed"))
def production_status_changed(p: dict, event, to) -> Message:
    note = Message(
        title=_("Production is now %(status)s") % {"status": choice_label(Production.Status, p.get("to"))},
        lead=_("It was %(status)s before.") % {"status": choice_label(Production.Status, p.get("from"))},
        tone="comment",
    )
    note.add(_("Comment"), p.get("comment"))
    return production_link(note, p)
