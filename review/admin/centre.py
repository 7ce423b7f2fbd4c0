"""A centre's settings (its profile, holiday overrides) and the national tier rules."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from review import policies
from studio.admin_scoping import OrganizationScopedAdmin, admin_allows
from studio.models import Organization


class CentreSettingsAdmin(OrganizationScopedAdmin):
    """Centre leads edit their centre's settings; reviewers may look."""

    organization_field = "centre"
    policy = policies.CENTRE

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "centre" and not request.user.is_superuser:
            kwargs["queryset"] = Organization.objects.filter(
                pk__in=self.admin_organization_ids(request, write=True)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReviewCentreProfileAdmin(CentreSettingsAdmin):
    list_display = [
        "centre",
        "region",
        "number_format",
        "intake_days",
        "preliminary_days",
        "content_audit_days",
        "dashboard",
    ]

    @admin.display(description=_("Review dashboard"))
    def dashboard(self, profile):
        url = reverse("admin:review_reviewsubmission_dashboard", args=[profile.centre_id])
        return format_html('<a href="{}" data-dashboard-link>{}</a>', url, _("Open the dashboard"))


class HolidayOverrideAdmin(CentreSettingsAdmin):
    list_display = ["date", "name", "is_working_day", "centre"]
    list_filter = ["is_working_day", "centre"]
    date_hierarchy = "date"


class TierRuleAdmin(admin.ModelAdmin):
    """Tier thresholds are national rules: superusers maintain them, reviewers read them."""

    list_display = [
        "effective_from",
        "key_min_investment",
        "ordinary_min_investment",
        "special_subject_is_key",
    ]

    policy = policies.TIER_RULE

    def has_module_permission(self, request):
        return admin_allows(request, self.policy)

    def has_view_permission(self, request, obj=None):
        return admin_allows(request, self.policy)
