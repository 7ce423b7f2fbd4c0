"""Messages about review submissions and a production's review tier (payloads: ``review.workflow``,
``review.tiers``).

The builders register themselves with ``notifications.messages.base.message`` when this module is imported
(``ReviewConfig.ready``); ``notifications.messages`` renders what they build.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.links import admin_change_url
from notifications.messages.base import Message, choice_label, day_text, message, money
from review.models import Finding, ReviewSubmission
from studio.messages import production_link
from studio.models import Production


def _stage(code) -> str:
    return choice_label(ReviewSubmission.Stage, code)


def _kind(code) -> str:
    return choice_label(ReviewSubmission.Kind, code)


def _finding(finding: dict) -> str:
    where = []
    if finding.get("episode"):
        where.append(_("episode %(episode)s") % {"episode": finding["episode"]})
    if finding.get("timecode"):
        where.append(str(finding["timecode"]))
    severity = choice_label(Finding.Severity, finding.get("severity"))
    head = _("(%(severity)s)") % {"severity": severity} if severity else ""
    place = " ".join(part for part in [head, " ".join(where)] if part)
    text = str(finding.get("text", ""))
    return _("%(where)s: %(text)s") % {"where": place, "text": text} if place else text


def _submission(title: str, lead: str, p: dict, *, tone: str = "info") -> Message:
    note = Message(title=title, lead=lead, tone=tone)
    note.add(_("Production"), p.get("title"))
    note.add(_("Company"), p.get("company"))
    note.add(_("Review centre"), p.get("centre"))
    kind = _kind(p.get("kind"))
    if kind:
        note.add(
            _("Submission"), _("%(kind)s, version %(version)s") % {"kind": kind, "version": p.get("version")}
        )
    note.add(_("Stage"), _stage(p.get("stage")))
    due = day_text(p.get("due_date"))
    if due and p.get("due_date_estimated"):
        due = _("%(date)s (estimated)") % {"date": due}
    note.add(_("Due"), due)
    note.add(_("Comment"), p.get("comment"))
    if p.get("findings"):
        note.items_title = _("Findings")
        for finding in p["findings"]:
            note.item(_finding(finding))
    note.link(_("Open the submission"), admin_change_url("review", "reviewsubmission", p.get("submission")))
    return note


@message("review.submitted", label=gettext_lazy("Submitted for review"))
def submitted(p: dict, event, to) -> Message:
    lead = _("%(company)s submitted a dossier for review.") % {"company": p.get("company", "")}
    return _submission(
        _("New submission: %(title)s") % {"title": p.get("title", "")}, lead, p, tone="warning"
    )


@message("review.stage_changed", label=gettext_lazy("Review stage changed"))
def stage_changed(p: dict, event, to) -> Message:
    lead = _("The submission moved from %(old)s to %(new)s.") % {
        "old": _stage(p.get("from_stage")),
        "new": _stage(p.get("stage")),
    }
    title = _("Review in progress: %(title)s (%(stage)s)") % {
        "title": p.get("title", ""),
        "stage": _stage(p.get("stage")),
    }
    return _submission(title, lead, p)


def _decision(title: str, lead: str, p: dict, *, tone: str = "info") -> Message:
    """The centre's decision: ``title`` names the production (``%(title)s``), ``lead`` the centre
    (``%(centre)s``)."""
    return _submission(
        title % {"title": p.get("title", "")}, lead % {"centre": p.get("centre", "")}, p, tone=tone
    )


@message("review.revision_requested", label=gettext_lazy("Returned for revision"))
def revision_requested(p: dict, event, to) -> Message:
    note = _decision(
        _("Returned for revision: %(title)s"),
        _("%(centre)s returned the submission for revision."),
        p,
        tone="warning",
    )
    note.action = _("Revise the dossier along the findings and resubmit it on the submission's page.")
    return note


@message("review.approved", label=gettext_lazy("Review approved"))
def approved(p: dict, event, to) -> Message:
    note = _decision(_("Approved: %(title)s"), _("%(centre)s approved the submission."), p)
    if p.get("filing_number"):
        note.fields.insert(0, (_("Filing number"), str(p["filing_number"])))
    return note


@message("review.rejected", label=gettext_lazy("Review rejected"))
def rejected(p: dict, event, to) -> Message:
    note = _decision(
        _("Rejected: %(title)s"),
        _("%(centre)s rejected the submission; the decision is final."),
        p,
        tone="warning",
    )
    if p.get("reason"):
        note.fields.insert(0, (_("Reason"), str(p["reason"])))
    return note


@message("review.overdue", label=gettext_lazy("Overdue reviews"))
def overdue(p: dict, event, to) -> Message:
    rows = p.get("submissions") or []
    note = Message(
        title=_("Overdue reviews on %(date)s: %(count)d")
        % {"date": day_text(p.get("date")), "count": len(rows)},
        lead=_("These submissions at %(centre)s are past their due date.") % {"centre": p.get("centre", "")},
        items_title=_("Overdue submissions"),
        tone="warning",
    )
    for row in rows:
        parts = [
            f"{row.get('title', '')} · {row.get('company', '')}",
            _stage(row.get("stage")),
            _("due %(date)s") % {"date": day_text(row.get("due_date"))},
            _("%(days)s working day(s) late") % {"days": row.get("working_days_overdue", 0)},
            _("reviewer %(name)s") % {"name": row["assigned_reviewer"]}
            if row.get("assigned_reviewer")
            else _("no reviewer assigned"),
        ]
        note.item(" · ".join(parts), admin_change_url("review", "reviewsubmission", row.get("submission")))
    return note


@message("production.tier_changed", label=gettext_lazy("Review tier changed"))
def production_tier_changed(p: dict, event, to) -> Message:
    note = Message(
        title=_("Review tier changed: %(title)s") % {"title": p.get("title", "")},
        lead=_("Under the tier rules in force since %(date)s, the production's review tier changed.")
        % {"date": day_text(p.get("rule_effective_from"))},
        tone="warning",
    )
    note.add(_("Previous tier"), choice_label(Production.Tier, p.get("from")))
    note.add(_("New tier"), choice_label(Production.Tier, p.get("to")))
    note.add(_("Total investment"), money(p.get("total_investment")))
    if p.get("special_subject"):
        note.add(_("Special subject"), _("yes"))
    return production_link(note, p)
