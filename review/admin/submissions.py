"""The submission's admin: the queue, the submission page, and the workflow's buttons and actions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.exceptions import DomainError
from review import policies
from review.admin.dashboard import DashboardAdminMixin
from review.admin.queue import DocumentInline, EpisodeInline, FindingInline, HistoryInline, QueueFilter
from review.admin.steps import WORKFLOW
from review.models import (
    ReviewSubmission,
)
from review.reports import turnaround_report
from studio.admin_scoping import OrganizationScopedAdmin
from studio.models import Organization


def _step_action(name: str, step: str):
    """An admin action ``name`` that does the workflow's ``step`` on the selection, after its confirmation."""

    def run(modeladmin, request, queryset):
        return modeladmin._action(request, queryset, step)

    run.__name__ = run.__qualname__ = name
    return admin.action(description=WORKFLOW[step][0], permissions=["change"])(run)


class ReviewSubmissionAdmin(DashboardAdminMixin, OrganizationScopedAdmin):
    organization_field = "centre"
    policy = policies.SUBMISSION
    change_form_template = "admin/review/reviewsubmission/change_form.html"
    change_list_template = "admin/review/reviewsubmission/change_list.html"
    # fits a 1366 px screen: the version goes with the title, the id is the link's
    list_display = [
        "title",
        "company",
        "kind",
        "stage",
        "tier",
        "assigned_reviewer",
        "due",
        "filing_number",
    ]
    list_display_links = ["title"]
    list_filter = [QueueFilter, "stage", "tier", "kind"]
    search_fields = ["production__title", "production__company__name", "filing_number"]
    list_select_related = ["production__company", "assigned_reviewer", "centre"]
    list_per_page = 50
    # the earliest due first: what is overdue heads the (default, open) queue
    ordering = [F("due_date").asc(nulls_last=True), "id"]
    actions = ["assign_to_me", "pass_preliminary", "return_with_findings", "approve", "reject"]
    inlines = [DocumentInline, EpisodeInline, FindingInline, HistoryInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "production",
                    "company",
                    "centre",
                    "kind",
                    "version",
                    "previous_version",
                    "cover_note",
                ]
            },
        ),
        (
            _("Workflow"),
            {
                "fields": [
                    "stage",
                    "tier",
                    "tier_rule",
                    "tier_now",
                    "tier_reason",
                    "assigned_reviewer",
                    "submitted_at",
                    "stage_entered_at",
                    "due",
                    "decided_at",
                    "filing_number",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False  # companies create submissions through the API

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("title"), ordering="production__title")
    def title(self, submission):
        if submission.version > 1:
            return gettext("%(title)s (version %(version)d)") % {
                "title": submission.production.title,
                "version": submission.version,
            }
        return submission.production.title

    @admin.display(description=_("production company"), ordering="production__company__name")
    def company(self, submission):
        return submission.production.company

    @admin.display(description=_("due date"), ordering="due_date")
    def due(self, submission):
        if submission.due_date is None:
            return "—"
        overdue = (
            submission.stage in ReviewSubmission.CENTRE_STAGES and submission.due_date < timezone.localdate()
        )
        parts = [format_html("{}", submission.due_date.isoformat())]
        if submission.due_date_estimated:
            parts.append(
                format_html(
                    ' <span title="{}">({})</span>',
                    gettext("The official holiday calendar does not cover these dates yet."),
                    gettext("estimated"),
                )
            )
        if overdue:
            parts.append(format_html(' <strong style="color:#ba2121">{}</strong>', gettext("overdue")))
        return format_html_join("", "{}", ((part,) for part in parts))

    @admin.display(description=_("tier now"))
    def tier_now(self, submission):
        production = submission.production
        if production.tier and submission.tier and production.tier != submission.tier:
            return format_html(
                '<strong style="color:#ba2121">{}</strong>',
                gettext("%(tier)s — the budget or subject changed since submission")
                % {"tier": production.get_tier_display()},
            )
        return production.get_tier_display() or "—"

    @admin.display(description=_("tier, in words"))
    def tier_reason(self, submission):
        """The production's investment and the tier rule applied to it, as a sentence (yuan grouped by 3)."""
        production, rule = submission.production, submission.tier_rule
        investment = f"{production.total_investment:,.2f}"
        if rule is None:
            return gettext("Total investment: %(investment)s CNY; no tier rule was applied.") % {
                "investment": investment
            }
        words = gettext(
            "Total investment: %(investment)s CNY. The rule in force since %(date)s: key from %(key)s CNY, "
            "ordinary from %(ordinary)s CNY, other below."
        ) % {
            "investment": investment,
            "date": rule.effective_from.isoformat(),
            "key": f"{rule.key_min_investment:,.2f}",
            "ordinary": f"{rule.ordinary_min_investment:,.2f}",
        }
        if production.special_subject and rule.special_subject_is_key:
            words += " " + gettext("A special subject, which the rule makes key whatever its investment.")
        return words

    # -- workflow: buttons (one object) and actions (a selection) share the confirmation page --------

    def get_urls(self):
        custom = [
            path(
                "<int:object_id>/workflow/<str:step>/",
                self.admin_site.admin_view(self.workflow_view),
                name="review_reviewsubmission_workflow",
            ),
            path(
                "<int:object_id>/documents/<int:document_id>/",
                self.admin_site.admin_view(self.document_view),
                name="review_reviewsubmission_document",
            ),
            path(
                "turnaround/",
                self.admin_site.admin_view(self.turnaround_view),
                name="review_reviewsubmission_turnaround",
            ),
            *self.dashboard_urls(),
        ]
        return custom + super().get_urls()

    def _object_or_404(self, request, object_id):
        submission = self.get_queryset(request).filter(pk=object_id).first()
        if submission is None or not self.has_view_permission(request, submission):
            raise Http404
        return submission

    def _run(self, request, step, submissions, data) -> int:
        label, _form, call, _stages, done = WORKFLOW[step]
        succeeded = 0
        for submission in submissions:
            try:
                call(submission, request.user, data)
            except DomainError as exc:
                self.message_user(request, f"{submission}: {exc.detail}", level=messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(
                request,
                gettext("%(done)s: %(count)d submission(s).") % {"done": done, "count": succeeded},
                level=messages.SUCCESS,
            )
        return succeeded

    def _confirm_page(self, request, *, step, submissions, form, single, action_name=""):
        label = WORKFLOW[step][0]
        context = {
            "action_name": action_name,
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("%(action)s: are you sure?") % {"action": label},
            "action_label": label,
            "step": step,
            "submissions": submissions,
            "form": form,
            "single": single,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/review/reviewsubmission/confirm.html", context)

    def workflow_view(self, request, object_id, step):
        if step not in WORKFLOW:
            raise Http404
        submission = self._object_or_404(request, object_id)
        if not self.has_change_permission(request, submission):
            raise PermissionDenied
        form_class = WORKFLOW[step][1]
        change_url = reverse("admin:review_reviewsubmission_change", args=[submission.pk])
        if request.method == "POST":
            form = form_class(request.POST)
            # refused: the same page again, with what was typed (the message says why)
            if form.is_valid() and self._run(request, step, [submission], form.cleaned_data):
                return HttpResponseRedirect(change_url)
        else:
            form = form_class()
        return self._confirm_page(request, step=step, submissions=[submission], form=form, single=True)

    def _action(self, request, queryset, step):
        form_class = WORKFLOW[step][1]
        if request.POST.get("confirm") == "yes":
            form = form_class(request.POST)
            # all refused: the same page again, with what was typed (the messages say why)
            if form.is_valid() and self._run(request, step, list(queryset), form.cleaned_data):
                return None
        else:
            form = form_class()
        return self._confirm_page(
            request,
            step=step,
            submissions=list(queryset),
            form=form,
            single=False,
            action_name=request.POST["action"],
        )

    # the selection's actions: each does one step of the workflow, labelled as the step's button
    assign_to_me = _step_action("assign_to_me", "assign")
    pass_preliminary = _step_action("pass_preliminary", "pass")
    return_with_findings = _step_action("return_with_findings", "return")
    approve = _step_action("approve", "approve")
    reject = _step_action("reject", "reject")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        submission = self.get_queryset(request).filter(pk=object_id).first()
        buttons = []
        if submission is not None and self.has_change_permission(request, submission):
            buttons = [
                {
                    "step": step,
                    "label": spec[0],
                    "url": reverse("admin:review_reviewsubmission_workflow", args=[submission.pk, step]),
                }
                for step, spec in WORKFLOW.items()
                if submission.stage in spec[3]
            ]
        extra_context = {**(extra_context or {}), "workflow_buttons": buttons}
        return super().change_view(request, object_id, form_url, extra_context)

    def document_view(self, request, object_id, document_id):
        submission = self._object_or_404(request, object_id)
        document = submission.documents.filter(pk=document_id).first()
        if document is None:
            raise Http404
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name)

    def turnaround_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        index = today.year * 12 + today.month - 1 - 11
        since = today.replace(year=index // 12, month=index % 12 + 1, day=1)
        centres = Organization.objects.filter(kind__in=self.policy.admin_rule(write=False).kinds)
        if not request.user.is_superuser:
            centres = centres.filter(pk__in=self.admin_organization_ids(request))
        reports = [
            {"centre": centre, "months": turnaround_report(centre=centre, since=since, until=today)}
            for centre in centres.order_by("name")
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Turnaround (working days per stage)"),
            "reports": reports,
            "since": since,
            "until": today,
        }
        return TemplateResponse(request, "admin/review/reviewsubmission/turnaround.html", context)
