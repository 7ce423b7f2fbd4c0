"""Bookings in the admin: the operator sees its bases' bookings, a company its own; actions call the services.

Fields are read-only (a booking changes only through its services); each action runs the service per
selected booking and reports refusals (a rule, a conflict, a wrong status) as messages, never a 500.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookings import services
from bookings.models import Booking, WaitlistEntry
from config.exceptions import DomainError
from studio.admin_scoping import OrganizationScopedAdmin
from studio.models import Organization


class ParticipantsScopedAdmin(OrganizationScopedAdmin):
    """Rows visible to either participant: ``company_field`` or ``operator_field``."""

    company_field = "company"
    operator_field = "set__base__operator"
    admin_organization_kinds = frozenset(
        {Organization.Kind.PRODUCTION_COMPANY, Organization.Kind.BASE_OPERATOR}
    )

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        ids = self.admin_organization_ids(request)
        return queryset.filter(
            Q(**{f"{self.company_field}__in": ids}) | Q(**{f"{self.operator_field}__in": ids})
        )

    def _participant_ids(self, obj) -> set:
        found = set()
        for path in (self.company_field, self.operator_field):
            value = obj
            for part in path.split("__"):
                value = getattr(value, part, None)
            if value is not None:
                found.add(value.pk)
        return found

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().has_view_permission(request, None)
        return bool(self._participant_ids(obj) & self.admin_organization_ids(request))

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().has_change_permission(request, None)
        return bool(self._participant_ids(obj) & self.admin_organization_ids(request, write=True))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _run(modeladmin, request, queryset, call, done_message):
    done = 0
    for booking in queryset:
        if not modeladmin.has_change_permission(request, booking):
            messages.error(request, gettext("#%(id)s: not yours to change.") % {"id": booking.pk})
            continue
        try:
            call(booking)
        except DomainError as exc:
            messages.error(request, f"#{booking.pk}: {exc.detail}")
        else:
            done += 1
    if done:
        messages.success(request, done_message % {"n": done})


@admin.action(description=_("Confirm the selected holds"))
def confirm(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        lambda b: services.booking_confirm(booking=b, by=request.user),
        gettext("%(n)d booking(s) confirmed."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The company reads it."),
    )


@admin.action(description=_("Decline the selected holds…"))
def decline(modeladmin, request, queryset):
    """Asks for the reason first (an intermediate page): a decline always tells the company why."""
    form = DeclineForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        reason = form.cleaned_data["reason"]
        _run(
            modeladmin,
            request,
            queryset,
            lambda b: services.booking_decline(booking=b, by=request.user, reason=reason),
            gettext("%(n)d booking(s) declined."),
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Decline the selected holds"),
        "form": form,
        "bookings": queryset,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/bookings/booking/decline.html", context)


@admin.action(description=_("Cancel the selected bookings"))
def cancel(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        lambda b: services.booking_cancel(
            booking=b, by=request.user, reason=gettext("Cancelled in the admin.")
        ),
        gettext("%(n)d booking(s) cancelled."),
    )


@admin.action(description=_("Check the selected bookings in (now)"))
def check_in(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        lambda b: services.booking_check_in(booking=b, by=request.user),
        gettext("%(n)d booking(s) checked in."),
    )


@admin.action(description=_("Check the selected bookings out (now)"))
def check_out(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        lambda b: services.booking_check_out(booking=b, by=request.user),
        gettext("%(n)d booking(s) checked out."),
    )


@admin.register(Booking)
class BookingAdmin(ParticipantsScopedAdmin):
    list_display = ["id", "set", "production", "company", "status", "starts_at", "ends_at", "total_price"]
    list_filter = ["status", "set__base"]
    search_fields = ["set__name", "production__title", "company__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["set", "production", "company"]
    actions = [confirm, decline, cancel, check_in, check_out]
    readonly_fields = [field.name for field in Booking._meta.fields]
    ordering = ["-starts_at"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ParticipantsScopedAdmin):
    list_display = ["id", "set", "company", "starts_at", "ends_at", "status", "offer_expires_at"]
    list_filter = ["status"]
    list_select_related = ["set", "company"]
    readonly_fields = [field.name for field in WaitlistEntry._meta.fields]
