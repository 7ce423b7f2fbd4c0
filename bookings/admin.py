"""Bookings in the admin: the operator sees its bases' bookings, a company its own; actions call the services.

Fields are read-only (a booking changes only through its services). Every action a person takes in the
booking workflow (``bookings.workflow``) is an action here, allowed by the API's rule of the same name
(``bookings.policies.BOOKING``) for the staff member's membership in the booking's company or operator;
each runs the service per selected booking and reports refusals (the policy's, a rule, a conflict, a
wrong status) as messages, never a 500.
"""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, When
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookings import policies, services
from bookings.models import Booking, WaitlistEntry
from config.localtime import DAY_CLOCK, local_text
from studio.admin_scoping import OrganizationScopedAdmin, policy_action


class ParticipantsScopedAdmin(OrganizationScopedAdmin):
    """Rows visible to either participant: ``company_field`` or ``operator_field``."""

    company_field = "company"
    operator_field = "set__base__operator"

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        ids = self.admin_organization_ids(request)
        return queryset.filter(
            Q(**{f"{self.company_field}__in": ids}) | Q(**{f"{self.operator_field}__in": ids})
        )

    def object_organization_ids(self, obj) -> set:
        return self._participant_ids(obj)

    def row_label(self, obj) -> str:
        return f"#{obj.pk}"

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


class AskingForm(forms.Form):
    """What an action asks on its intermediate page (``admin/bookings/booking/<action>.html``) before it
    ``apply``-s the answer to each selected booking; ``done`` counts those it changed."""

    action = title = done = ""

    def apply(self, booking: Booking, by):
        raise NotImplementedError


class DeclineForm(AskingForm):
    action = "decline"
    title = _("Decline the selected holds")
    done = _("%(n)d booking(s) declined.")
    reason = forms.CharField(
        label=_("reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The company reads it."),
    )

    def apply(self, booking: Booking, by):
        return services.booking_decline(booking=booking, by=by, reason=self.cleaned_data["reason"])


class RescheduleForm(AskingForm):
    action = "reschedule"
    title = _("Move the selected bookings to another time")
    done = _("%(n)d booking(s) moved.")
    starts_at = forms.DateTimeField(label=_("starts at"))
    ends_at = forms.DateTimeField(label=_("ends at"))

    def apply(self, booking: Booking, by):
        data = self.cleaned_data
        return services.booking_reschedule(
            booking=booking, starts_at=data["starts_at"], ends_at=data["ends_at"], by=by
        )


def _asking_action(modeladmin, request, queryset, form_class: type[AskingForm]):
    """Asks ``form_class`` first on an intermediate page; once valid, applies it to each selected booking."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        modeladmin.run_policy_action(
            request, queryset, form.action, lambda b: form.apply(b, by=request.user), str(form.done)
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": form.title,
        "form": form,
        "bookings": queryset,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, f"admin/bookings/booking/{form.action}.html", context)


@policy_action("decline", description=_("Decline the selected holds…"))
def decline(modeladmin, request, queryset):
    """Asks for the reason first: a decline always tells the company why."""
    return _asking_action(modeladmin, request, queryset, DeclineForm)


@policy_action("reschedule", description=_("Move the selected bookings to another time…"))
def reschedule(modeladmin, request, queryset):
    """Asks for the new start and end first; each booking keeps its set and status."""
    return _asking_action(modeladmin, request, queryset, RescheduleForm)


@policy_action("cancel", description=_("Cancel the selected bookings"))
def cancel(modeladmin, request, queryset):
    modeladmin.run_policy_action(
        request,
        queryset,
        "cancel",
        lambda b: services.booking_cancel(
            booking=b, by=request.user, reason=gettext("Cancelled in the admin.")
        ),
        gettext("%(n)d booking(s) cancelled."),
    )


def _booking_action(action: str, service, description, done):
    """An action that calls ``service(booking=…, by=…)`` on each selected booking; ``done`` counts them."""

    def run(modeladmin, request, queryset):
        modeladmin.run_policy_action(
            request, queryset, action, lambda b: service(booking=b, by=request.user), str(done)
        )

    run.__name__ = run.__qualname__ = action
    return policy_action(action, description=description)(run)


confirm = _booking_action(
    "confirm", services.booking_confirm, _("Confirm the selected holds"), _("%(n)d booking(s) confirmed.")
)
check_in = _booking_action(
    "check_in",
    services.booking_check_in,
    _("Check the selected bookings in (now)"),
    _("%(n)d booking(s) checked in."),
)
check_out = _booking_action(
    "check_out",
    services.booking_check_out,
    _("Check the selected bookings out (now)"),
    _("%(n)d booking(s) checked out."),
)
no_show = _booking_action(
    "no_show",
    services.booking_mark_no_show,
    _("Mark the selected bookings as no-shows"),
    _("%(n)d booking(s) marked as no-shows."),
)


class WhenFilter(admin.SimpleListFilter):
    """The days an operator asks about, in local time: today, tomorrow, this week (Monday to Sunday), next
    week, everything still to come, and the past (bookings that have ended)."""

    title = _("date")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("upcoming", _("Upcoming")),
            ("today", _("Today")),
            ("tomorrow", _("Tomorrow")),
            ("this_week", _("This week")),
            ("next_week", _("Next week")),
            ("past", _("Past")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(ends_at__gt=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)
        today = timezone.localdate(now)
        monday = today - timedelta(days=today.weekday())
        days = {
            "today": (today, 1),
            "tomorrow": (today + timedelta(days=1), 1),
            "this_week": (monday, 7),
            "next_week": (monday + timedelta(days=7), 7),
        }.get(self.value())
        if days is None:
            return queryset
        first, length = days
        start = timezone.make_aware(datetime.combine(first, time.min))
        end = timezone.make_aware(datetime.combine(first + timedelta(days=length), time.min))
        # a booking that overlaps the days (a night shoot into the morning counts for both)
        return queryset.filter(starts_at__lt=end, ends_at__gt=start)


@admin.register(Booking)
class BookingAdmin(ParticipantsScopedAdmin):
    """The bookings an operator searches and acts on: what is still to come first (the soonest on top),
    then the past (the latest on top); narrow columns that fit a 1,366-pixel screen."""

    list_display = ["when", "set", "base", "production", "company", "status"]
    list_display_links = ["when"]
    list_filter = [WhenFilter, "status", "set__base"]
    search_fields = ["set__name", "production__title", "company__name", "company__short_name"]
    list_select_related = ["set__base", "production", "company"]
    list_per_page = 50
    actions = [confirm, decline, reschedule, cancel, check_in, check_out, no_show]
    policy = policies.BOOKING
    # the price breakdown in words (as on the day board), not its JSON
    readonly_fields = [
        "price_in_words" if field.name == "price_breakdown" else field.name for field in Booking._meta.fields
    ]
    exclude = ["price_breakdown"]

    def get_ordering(self, request):
        """Upcoming and ongoing bookings by start (soonest first), then ended ones by start (latest first)."""
        ended = Q(ends_at__lte=timezone.now())
        return [
            ExpressionWrapper(ended, output_field=BooleanField()).asc(),
            Case(When(ended, then=None), default=F("starts_at")).asc(),
            F("starts_at").desc(),
            F("pk").desc(),
        ]

    @admin.display(description=_("when"), ordering="starts_at")
    def when(self, obj):
        """``2026-12-02 周三 08:00–22:00`` in local time; the end's date too when it falls on another day."""
        start, end = timezone.localtime(obj.starts_at), timezone.localtime(obj.ends_at)
        day = f"{start:%Y-%m-%d} {date_format(start, 'D')}"
        until = f"{end:%H:%M}" if end.date() == start.date() else local_text(end, DAY_CLOCK)
        return f"{day} {start:%H:%M}–{until}"

    @admin.display(description=_("base"), ordering="set__base__name")
    def base(self, obj):
        return obj.set.base

    @admin.display(description=Booking._meta.get_field("price_breakdown").verbose_name)
    def price_in_words(self, obj):
        return render_to_string("bookings/_price_breakdown.html", {"booking": obj}) or "-"


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ParticipantsScopedAdmin):
    policy = policies.WAITLIST_ENTRY
    list_display = ["id", "set", "company", "starts_at", "ends_at", "status", "offer_expires_at"]
    list_filter = ["status"]
    list_select_related = ["set", "company"]
    readonly_fields = [field.name for field in WaitlistEntry._meta.fields]
