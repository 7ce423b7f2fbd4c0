"""The workflow's steps in the admin: each button's (and changelist action's) form and service call."""

from django import forms
from django.utils.translation import gettext_lazy as _

from review import services
from review.models import (
    Finding,
    ReviewSubmission,
)

Stage = ReviewSubmission.Stage


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    pass


class ReturnForm(CommentForm):
    episode = forms.IntegerField(label=_("episode"), required=False, min_value=1)
    timecode = forms.CharField(label=_("timecode"), required=False, max_length=8, help_text=_("H:MM:SS"))
    severity = forms.ChoiceField(label=_("severity"), choices=Finding.Severity.choices, initial="major")
    text = forms.CharField(
        label=_("finding"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Findings already recorded on the submission are sent as well."),
    )


class FindingForm(forms.Form):
    episode = forms.IntegerField(label=_("episode"), required=False, min_value=1)
    timecode = forms.CharField(label=_("timecode"), required=False, max_length=8, help_text=_("H:MM:SS"))
    severity = forms.ChoiceField(label=_("severity"), choices=Finding.Severity.choices, initial="major")
    text = forms.CharField(label=_("finding"), widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(
        label=_("internal note"),
        required=False,
        help_text=_("Internal notes are never shown to the company."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


def _assign(submission, user, data):
    return services.submission_assign(submission=submission, by=user)


def _pass(submission, user, data):
    return services.submission_pass_preliminary(submission=submission, by=user, comment=data["comment"])


def _return(submission, user, data):
    findings = []
    if data.get("text"):
        findings.append(
            {
                "text": data["text"],
                "episode": data.get("episode"),
                "timecode": data.get("timecode") or "",
                "severity": data["severity"],
            }
        )
    return services.submission_return(
        submission=submission, by=user, comment=data["comment"], findings=findings
    )


def _approve(submission, user, data):
    return services.submission_approve(submission=submission, by=user, comment=data["comment"])


def _reject(submission, user, data):
    return services.submission_reject(submission=submission, by=user, reason=data["reason"])


def _finding(submission, user, data):
    return services.finding_add(
        submission=submission,
        by=user,
        text=data["text"],
        episode=data.get("episode"),
        timecode=data.get("timecode") or "",
        severity=data["severity"],
        internal=data["internal"],
    )


#: name → (button label, form, service call, the stages the button shows in, success message)
WORKFLOW = {
    "assign": (_("Assign to me"), AssignForm, _assign, ReviewSubmission.CENTRE_STAGES, _("Assigned to you")),
    "pass": (_("Pass preliminary review"), CommentForm, _pass, (Stage.PRELIMINARY_REVIEW,), _("Passed 初审")),
    "finding": (
        _("Add finding"),
        FindingForm,
        _finding,
        (Stage.PRELIMINARY_REVIEW, Stage.CONTENT_AUDIT),
        _("Finding recorded"),
    ),
    "return": (
        _("Return with findings"),
        ReturnForm,
        _return,
        (Stage.PRELIMINARY_REVIEW, Stage.CONTENT_AUDIT),
        _("Returned for revision"),
    ),
    "approve": (_("Approve"), CommentForm, _approve, (Stage.CONTENT_AUDIT,), _("Approved")),
    "reject": (_("Reject"), RejectForm, _reject, ReviewSubmission.CENTRE_STAGES, _("Rejected")),
}
