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


class QueueFilter(admin.SimpleListFilter):
    """The queues a reviewer works from."""

    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", _("assigned to me")),
            ("unassigned", _("unassigned")),
            ("overdue", _("overdue")),
            ("open", _("open (at the centre)")),
            ("awaiting_company", _("awaiting the company")),
        ]

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
