"""Admin for a company's roster, crews, scenes, shoot days and call sheets, scoped like the API.

People, crews, scenes and shoot days are saved through the same services as the API; a refusal is a
form error. The scene's cast picker offers the scene's company's people only.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from config.exceptions import DomainError
from crews import policies, services
from crews.models import Call, CallSheet, CallSheetRecipient, Crew, CrewMember, Person, Scene, ShootDay, Stop
from studio.admin_scoping import (
    OrganizationScopedAdmin,
    OrganizationScopedInline,
    ReadOnlyTabularInline,
    form_values,
)


class CompanyAdmin(OrganizationScopedAdmin):
    organization_field = "company"


@admin.register(Person)
class PersonAdmin(CompanyAdmin):
    policy = policies.PERSON
    list_display = ["name", "masked_phone", "email", "day_rate", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "phone", "email"]
    readonly_fields = ["calendar_feed_token"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "company"] if obj is not None else readonly

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "roles":  # ticks named in words, not a JSON list of codes
            return forms.MultipleChoiceField(
                label=db_field.verbose_name,
                help_text=db_field.help_text,
                choices=CrewMember._meta.get_field("role").choices,  # the crew roles
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            # the accounts the company may name, as a list: the raw-id lookup opens the user list, which
            # only a superuser may open
            kwargs.setdefault("widget", forms.Select)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("calendar feed token"))
    def calendar_feed_token(self, person) -> str:
        feed = person.feed_tokens.first() if person.pk else None
        return feed.token if feed else ""

    def save_model(self, request, obj, form, change):
        data = form_values(form, services.roster.PERSON_FIELDS, change=change)
        if change:
            person = services.person_update(person=obj, by=request.user, **data)
        else:
            person = services.person_create(company=form.cleaned_data["company"], by=request.user, **data)
        obj.pk = person.pk
        obj.refresh_from_db()


class CrewMemberInline(OrganizationScopedInline, admin.TabularInline):
    """A crew's members, changed and removed through the roster services (added through the API)."""

    model = CrewMember
    extra = 0
    fields = ["person", "role", "starts_on", "ends_on", "day_rate"]
    readonly_fields = ["person"]  # a member is one person's place on the crew: remove it to change who
    saves_through_services = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    def has_add_permission(self, request, obj=None):
        return False

    def service_update(self, request, obj, form):
        return services.crew_member_update(member=obj, by=request.user, **form_values(form, self.fields))

    def service_delete(self, request, obj):
        services.crew_member_remove(member=obj, by=request.user)


@admin.register(Crew)
class CrewAdmin(CompanyAdmin):
    policy = policies.CREW
    list_display = ["name", "production", "created_at"]
    search_fields = ["name", "production__title"]
    readonly_fields = ["production", "company"]
    inlines = [CrewMemberInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if "name" in form.changed_data:
            services.crew_update(crew=obj, name=form.cleaned_data["name"], by=request.user)
        obj.refresh_from_db()


@admin.register(Scene)
class SceneAdmin(CompanyAdmin):
    policy = policies.SCENE
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
    filter_horizontal = ["cast"]  # the scene's company's people only (studio.admin_scoping)
    actions = ["drop_scenes"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        data = form_values(form, (*services.scenes.SCENE_FIELDS, "cast"))
        services.scene_update(scene=obj, by=request.user, **data)
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        for formset in formsets:  # the cast was saved by scene_update, never by the form
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=_("Drop the selected scenes"))
    def drop_scenes(self, request, queryset):
        for scene in queryset:
            try:
                services.scene_drop(scene=scene, by=request.user)
            except DomainError as exc:
                self.message_user(request, f"{scene}: {exc.detail}", messages.ERROR)


class StopInline(ReadOnlyTabularInline):
    model = Stop
    fields = ["order", "booking", "starts_at", "ends_at", "note"]


class CallInline(ReadOnlyTabularInline):
    model = Call
    fields = ["person", "role", "call_at", "makeup_ready_at", "on_set_at", "released_at"]


@admin.register(ShootDay)
class ShootDayAdmin(CompanyAdmin):
    policy = policies.SHOOT_DAY
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
        data = form_values(form, services.schedule.DAY_FIELDS)
        services.shoot_day_update(shoot_day=obj, by=request.user, **data)  # a refusal is a form error

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


class RecipientInline(ReadOnlyTabularInline):
    model = CallSheetRecipient
    fields = ["person", "notified", "changes", "acknowledged_at"]


@admin.register(CallSheet)
class CallSheetAdmin(CompanyAdmin):
    policy = policies.CALL_SHEET
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
