"""Admin for a company's roster, crews, scenes, shoot days and call sheets, scoped like the API."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from config.exceptions import DomainError
from crews import services
from crews.models import Call, CallSheet, CallSheetRecipient, Crew, CrewMember, Person, Scene, ShootDay, Stop
from studio.admin_scoping import OrganizationScopedAdmin
from studio.models import Organization

COMPANIES = frozenset({Organization.Kind.PRODUCTION_COMPANY})


class CompanyAdmin(OrganizationScopedAdmin):
    organization_field = "company"
    admin_organization_kinds = COMPANIES


@admin.register(Person)
class PersonAdmin(CompanyAdmin):
    list_display = ["name", "masked_phone", "email", "day_rate", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "phone", "email"]
    readonly_fields = ["feed_token"]
    raw_id_fields = ["user"]


class CrewMemberInline(admin.TabularInline):
    model = CrewMember
    extra = 0
    raw_id_fields = ["person"]
    fields = ["person", "role", "starts_on", "ends_on", "day_rate"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Crew)
class CrewAdmin(CompanyAdmin):
    list_display = ["name", "production", "created_at"]
    search_fields = ["name", "production__title"]
    readonly_fields = ["production", "company"]
    inlines = [CrewMemberInline]

    def has_add_permission(self, request):
        return False


@admin.register(Scene)
class SceneAdmin(CompanyAdmin):
    list_display = [
        "label",
        "production",
        "time_of_day",
        "setting",
        "set_kind",
        "estimated_minutes",
        "status",
    ]
    list_filter = ["status", "time_of_day", "setting"]
    search_fields = ["production__title", "description"]
    readonly_fields = ["production", "company", "status", "shot_on"]
    filter_horizontal = ["cast"]
    actions = ["drop_scenes"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Drop the selected scenes"))
    def drop_scenes(self, request, queryset):
        for scene in queryset:
            try:
                services.scene_drop(scene=scene, by=request.user)
            except DomainError as exc:
                self.message_user(request, f"{scene}: {exc.detail}", messages.ERROR)


class StopInline(admin.TabularInline):
    model = Stop
    extra = 0
    fields = ["order", "booking", "starts_at", "ends_at", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CallInline(admin.TabularInline):
    model = Call
    extra = 0
    fields = ["person", "role", "call_at", "makeup_ready_at", "on_set_at", "released_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ShootDay)
class ShootDayAdmin(CompanyAdmin):
    list_display = ["date", "crew", "call_at", "planned_wrap_at", "status"]
    list_filter = ["status", "date"]
    search_fields = ["crew__name", "crew__production__title"]
    readonly_fields = ["crew", "company", "date", "status", "conflicts", "wrapped_at"]
    fields = [
        "crew",
        "company",
        "date",
        "call_at",
        "departure_at",
        "planned_wrap_at",
        "notes",
        "status",
        "conflicts",
    ]
    inlines = [StopInline, CallInline]
    actions = ["publish"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        data = {
            field: form.cleaned_data[field]
            for field in form.changed_data
            if field in services.schedule.DAY_FIELDS
        }
        try:
            services.shoot_day_update(shoot_day=obj, by=request.user, **data)
        except DomainError as exc:
            self.message_user(request, str(exc.detail), messages.ERROR)

    @admin.action(description=_("Publish the call sheet of the selected days"))
    def publish(self, request, queryset):
        for day in queryset:
            try:
                sheet = services.shoot_day_publish(shoot_day=day, by=request.user)
            except DomainError as exc:
                self.message_user(request, f"{day}: {exc.detail}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(day)s: version %(version)d published.") % {"day": day, "version": sheet.version},
                )


class RecipientInline(admin.TabularInline):
    model = CallSheetRecipient
    extra = 0
    fields = ["person", "notified", "changes", "acknowledged_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CallSheet)
class CallSheetAdmin(CompanyAdmin):
    list_display = ["shoot_day", "version", "published_at", "published_by"]
    readonly_fields = [
        "shoot_day",
        "company",
        "version",
        "snapshot",
        "changes",
        "published_at",
        "published_by",
    ]
    exclude = ["token", "image"]
    inlines = [RecipientInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
