"""The reviewer's queues (the changelist's filter) and the read-only parts of the submission page."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from review.models import (
    Finding,
    ReviewSubmission,
    SubmissionDocument,
    SubmissionEpisode,
    SubmissionHistory,
)

Stage = ReviewSubmission.Stage


#: the query parameters that leave a bare changelist bare (its page, its sort order)
KEEP_DEFAULT = {"p", "o"}


class QueueFilter(admin.SimpleListFilter):
    """The queues a reviewer works from; a bare changelist opens on the open work (``open``).

    The closed work (approved, returned, rejected …) is one click away ("all submissions"), and any
    other filter or a search looks at every submission.
    """

    title = _("queue")
    parameter_name = "queue"
    default = "open"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        if self.parameter_name not in self.used_parameters and not set(request.GET) - KEEP_DEFAULT:
            self.used_parameters[self.parameter_name] = self.default

    def lookups(self, request, model_admin):
        return [
            ("open", _("open (at the centre)")),
            ("overdue", _("overdue")),
            ("mine", _("assigned to me")),
            ("unassigned", _("unassigned")),
            ("awaiting_company", _("awaiting the company")),
            ("all", _("all submissions")),
        ]

    def choices(self, changelist):
        choices = super().choices(changelist)
        next(choices)  # Django's "All" drops the parameter, which is the default queue here: "all" says it
        yield from choices

    def queryset(self, request, queryset):
        open_stages = ReviewSubmission.CENTRE_STAGES
        value = self.value()
        if value == "mine":
            return queryset.filter(assigned_reviewer=request.user, stage__in=open_stages)
        if value == "unassigned":
            return queryset.filter(assigned_reviewer__isnull=True, stage__in=open_stages)
        if value == "overdue":
            return queryset.filter(stage__in=open_stages, due_date__lt=timezone.localdate())
        if value == "open":
            return queryset.filter(stage__in=open_stages)
        if value == "awaiting_company":
            return queryset.filter(stage=Stage.REVISION_REQUESTED, next_version__isnull=True)
        return queryset


class ReadOnlyInline(admin.TabularInline):
    """Shown on the submission page to whoever may see the submission; never edited here."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DocumentInline(ReadOnlyInline):
    model = SubmissionDocument
    fields = ["doc_type", "download", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, document):
        url = reverse("admin:review_reviewsubmission_document", args=[document.submission_id, document.pk])
        return format_html('<a href="{}">{}</a>', url, document.original_name)


class EpisodeInline(ReadOnlyInline):
    model = SubmissionEpisode
    fields = ["number", "title", "duration_seconds"]
    readonly_fields = fields


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ["episode", "timecode", "severity", "text", "internal", "created_by", "created_at", "sent"]
    readonly_fields = fields

    @admin.display(description=_("sent to the company"), boolean=True)
    def sent(self, finding):
        return finding.decision_id is not None and not finding.internal


class HistoryInline(ReadOnlyInline):
    model = SubmissionHistory
    verbose_name_plural = _("history")
    fields = ["at", "actor", "from_stage", "to_stage", "decision", "comment", "working_days_in_stage"]
    readonly_fields = fields
    ordering = ["at", "id"]
