"""Operators' admin: bases with their sets, hours and blackouts; sets with photos, bulk actions and CSV.

Scoped like the API (``OrganizationScopedAdmin``): a base operator's staff see and edit only their own
bases, sets, places and travel times; bulk actions and the CSV import call the same services as the API.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.exceptions import DomainError
from config.uploads import upload_check_size, upload_limit
from locations import conf, services
from locations.importing import set_catalogue_export, set_catalogue_import
from locations.models import Base, Blackout, OpeningHours, Place, Set, SetPhoto, TravelTime, Zone
from studio.admin_scoping import OrganizationScopedAdmin
from studio.models import Organization

OPERATOR_KINDS = frozenset({Organization.Kind.BASE_OPERATOR})


class OperatorAdmin(OrganizationScopedAdmin):
    admin_organization_kinds = OPERATOR_KINDS

    def own_bases(self, request):
        bases = Base.objects.select_related("operator")
        if request.user.is_superuser:
            return bases
        return bases.filter(operator_id__in=self.admin_organization_ids(request, write=True))

    def own_operators(self, request):
        operators = Organization.objects.filter(kind=Organization.Kind.BASE_OPERATOR)
        if request.user.is_superuser:
            return operators
        return operators.filter(pk__in=self.admin_organization_ids(request, write=True))


class ScopedInline:
    """An inline whose rights follow the parent admin's organisation scoping, not Django's model perms."""

    def _allowed(self, request, obj, *, write):
        if request.user.is_superuser:
            return True
        parent = self.admin_site._registry[self.parent_model]
        if obj is None:
            return bool(parent.admin_organization_ids(request, write=write))
        return parent._owner_id(obj) in parent.admin_organization_ids(request, write=write)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj, write=False)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj, write=True)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request, obj, write=True)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj, write=True)


class OpeningHoursInline(ScopedInline, admin.TabularInline):
    model = OpeningHours
    extra = 0
    max_num = 7


class SetInline(ScopedInline, admin.TabularInline):
    model = Set
    extra = 0
    show_change_link = True
    fields = (
        "name",
        "kind",
        "hourly_rate",
        "day_rate",
        "day_length_hours",
        "overtime_rate_per_hour",
        "deposit",
        "is_active",
    )


class BaseBlackoutInline(ScopedInline, admin.TabularInline):
    model = Blackout
    fk_name = "base"
    extra = 0
    fields = ("starts_at", "ends_at", "reason")
    verbose_name_plural = gettext_lazy("whole-base blackouts")


class SetBlackoutInline(ScopedInline, admin.TabularInline):
    model = Blackout
    fk_name = "set"
    extra = 0
    fields = ("starts_at", "ends_at", "reason")


class SetPhotoForm(forms.ModelForm):
    """The API's photo checks (size, pixel budget, format) for photos added in the admin."""

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            try:
                services.set_photo_check(image)
            except DomainError as exc:
                raise forms.ValidationError(str(exc.detail)) from None
        return image


class SetPhotoInline(ScopedInline, admin.TabularInline):
    model = SetPhoto
    form = SetPhotoForm
    extra = 0
    fields = ("image", "caption", "position", "width", "height")
    readonly_fields = ("width", "height")


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "detour_factor", "average_speed_kmh", "walk_minutes", "circle_minutes")
    search_fields = ("name",)


@admin.register(Base)
class BaseAdmin(OperatorAdmin):
    organization_field = "operator"
    list_display = ("name", "kind", "zone", "district", "operator", "is_active")
    list_filter = ("kind", "is_active", ("zone", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "address", "district")
    inlines = [OpeningHoursInline, SetInline, BaseBlackoutInline]
    actions = ["activate", "deactivate"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "operator":
            kwargs["queryset"] = self.own_operators(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _set_active(self, request, queryset, active: bool):
        for base in queryset:
            services.base_set_active(base=base, active=active, by=request.user)
        self.message_user(request, _("%(n)d base(s) updated.") % {"n": queryset.count()}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("List the selected bases"))
    def activate(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description=gettext_lazy("Withdraw the selected bases"))
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)


class RatesForm(forms.Form):
    hourly_rate = forms.DecimalField(label=gettext_lazy("hourly rate (CNY)"), required=False, min_value=0)
    day_rate = forms.DecimalField(label=gettext_lazy("day rate (CNY)"), required=False, min_value=0)
    day_length_hours = forms.IntegerField(
        label=gettext_lazy("day length (hours)"), required=False, min_value=1, max_value=24
    )
    overtime_rate_per_hour = forms.DecimalField(
        label=gettext_lazy("overtime per hour (CNY)"), required=False, min_value=0
    )
    deposit = forms.DecimalField(label=gettext_lazy("deposit (CNY)"), required=False, min_value=0)

    def clean(self):
        cleaned = super().clean()
        if not any(value is not None for value in cleaned.values()):
            raise forms.ValidationError(_("Give at least one rate to change."))
        return cleaned


class ImportForm(forms.Form):
    operator = forms.ModelChoiceField(queryset=Organization.objects.none(), label=gettext_lazy("operator"))
    file = forms.FileField(label=gettext_lazy("CSV file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            upload_check_size(upload, max_bytes=conf.import_max_bytes, field="file")
        except DomainError as exc:
            raise forms.ValidationError(str(exc.detail)) from None
        return upload


@admin.register(Set)
class SetAdmin(OperatorAdmin):
    organization_field = "base__operator"
    list_display = ("name", "base", "kind", "hourly_rate", "day_rate", "crew_capacity", "is_active")
    list_filter = ("kind", ("base", admin.RelatedOnlyFieldListFilter), "is_active")
    list_select_related = ("base",)
    search_fields = ("name", "base__name")
    inlines = [SetPhotoInline, SetBlackoutInline]
    actions = ["activate", "deactivate", "set_rates", "export_csv"]
    change_list_template = "admin/locations/set/change_list.html"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "base":
            kwargs["queryset"] = self.own_bases(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="locations_set_import"),
            *super().get_urls(),
        ]

    def _by_operator(self, queryset):
        groups = {}
        for set_ in queryset.select_related("base__operator"):
            groups.setdefault(set_.base.operator, []).append(set_)
        return groups

    def _set_active(self, request, queryset, active: bool):
        changed = 0
        try:
            for operator, sets in self._by_operator(queryset).items():
                changed += services.sets_set_active(
                    organization=operator, sets=sets, active=active, by=request.user
                )
        except DomainError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return
        self.message_user(request, _("%(n)d set(s) changed.") % {"n": changed}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Activate the selected sets"))
    def activate(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description=gettext_lazy("Deactivate the selected sets"))
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description=gettext_lazy("Set rates of the selected sets…"))
    def set_rates(self, request, queryset):
        form = RatesForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            changed = 0
            try:
                for operator, sets in self._by_operator(queryset).items():
                    changed += services.sets_update_rates(
                        organization=operator, sets=sets, by=request.user, **form.cleaned_data
                    )
            except DomainError as exc:
                self.message_user(request, exc.detail, messages.ERROR)
                return None
            self.message_user(request, _("Rates changed on %(n)d set(s).") % {"n": changed}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Set rates"),
            "form": form,
            "sets": queryset,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/locations/set/set_rates.html", context)

    @admin.action(description=gettext_lazy("Export the selected sets as CSV"))
    def export_csv(self, request, queryset):
        response = HttpResponse(set_catalogue_export(sets=queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="sets.csv"'
        return response

    @upload_limit(conf.import_max_bytes, field="file")
    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ImportForm(request.POST or None, request.FILES or None)
        form.fields["operator"].queryset = self.own_operators(request)
        operators = list(form.fields["operator"].queryset[:2])
        if len(operators) == 1:
            form.fields["operator"].initial = operators[0]
        errors = []
        if request.method == "POST" and form.is_valid():
            operator = form.cleaned_data["operator"]
            try:
                result = set_catalogue_import(
                    operator=operator, data=form.cleaned_data["file"].read(), by=request.user
                )
            except DomainError as exc:
                errors = exc.fields.get("rows") or exc.fields.get("file") or [str(exc.detail)]
                self.message_user(request, exc.detail, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Imported: %(created)d new, %(updated)d updated.") % result,
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:locations_set_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import sets from CSV"),
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/locations/set/import.html", context)


@admin.register(Place)
class PlaceAdmin(OperatorAdmin):
    organization_field = "owner"
    list_display = ("name", "kind", "zone", "owner")
    list_filter = ("kind", ("zone", admin.RelatedOnlyFieldListFilter))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = self.own_operators(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TravelTime)
class TravelTimeAdmin(OperatorAdmin):
    organization_field = "owner"
    list_display = ("__str__", "minutes", "owner", "updated_at")
    readonly_fields = ("key_a", "key_b")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = self.own_operators(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            entry = services.travel_time_record(
                organization=obj.owner,
                by=request.user,
                first=obj.end_a,
                second=obj.end_b,
                minutes=obj.minutes,
            )
        except DomainError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return
        obj.pk = entry.pk
