"""Operators' admin: bases with their sets, hours and blackouts; sets with photos, bulk actions and CSV.

Scoped like the API (``OrganizationScopedAdmin``): a base operator's staff see and edit only their own
bases, sets, places and travel times; bulk actions and the CSV import call the same services as the API.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.exceptions import DomainError
from config.uploads import upload_check_size, upload_limit
from locations import conf, policies, services
from locations.cancellation_tiers import CancellationPolicyField, cancellation_policy_in_words, tier_rows_for
from locations.importing import set_catalogue_export, set_catalogue_import
from locations.models import Base, Blackout, OpeningHours, Place, Set, SetPhoto, TravelTime, Zone
from studio.admin_scoping import AdminRefusal, OrganizationScopedAdmin, OrganizationScopedInline, form_values
from studio.models import Organization


def activation_actions(activate_label, deactivate_label):
    """The ``activate`` and ``deactivate`` actions of an admin whose ``_set_active`` lists or withdraws."""

    @admin.action(description=activate_label)
    def activate(modeladmin, request, queryset):
        modeladmin._set_active(request, queryset, True)

    @admin.action(description=deactivate_label)
    def deactivate(modeladmin, request, queryset):
        modeladmin._set_active(request, queryset, False)

    return activate, deactivate


class OperatorAdmin(OrganizationScopedAdmin):
    def own_bases(self, request):
        bases = Base.objects.select_related("operator")
        if request.user.is_superuser:
            return bases
        return bases.filter(operator_id__in=self.admin_organization_ids(request, write=True))

    def own_operators(self, request):
        operators = Organization.objects.filter(kind__in=self.policy.admin_rule(write=True).kinds)
        if request.user.is_superuser:
            return operators
        return operators.filter(pk__in=self.admin_organization_ids(request, write=True))


class OpeningHoursInline(OrganizationScopedInline, admin.TabularInline):
    """The base's weekly hours, saved as one table by ``base_update`` (like the API's ``opening_hours``)."""

    model = OpeningHours
    extra = 0
    max_num = 7
    saves_through_services = True

    def save_formset_through_services(self, request, parent, formset, position):
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not formset.has_changed():
            return
        rows = [
            {name: form.cleaned_data[name] for name in ("weekday", "opens", "closes")}
            for form in formset.forms
            if form.cleaned_data
            and not (formset.can_delete and formset._should_delete_form(form))
            and (form in formset.initial_forms or form.has_changed())
        ]
        try:
            services.base_update(base=parent, by=request.user, opening_hours=rows)
        except DomainError as error:
            raise AdminRefusal([(position, None, error)]) from error


class SetInline(OrganizationScopedInline, admin.TabularInline):
    model = Set
    extra = 0
    show_change_link = True
    can_delete = False  # a set is withdrawn (deactivated), never deleted: bookings refer to it
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
    saves_through_services = True

    def service_create(self, request, parent, form):
        set_ = services.set_create(
            organization=parent.operator, base=parent, by=request.user, **_set_data(form, change=False)
        )
        return _set_active(set_, form, request)

    def service_update(self, request, obj, form):
        operator = parent_operator(obj)
        set_ = services.set_update(
            organization=operator, set_=obj, by=request.user, **_set_data(form, change=True)
        )
        return _set_active(set_, form, request)


def parent_operator(set_: Set) -> Organization:
    """The operator owning ``set_`` as stored (the form may have changed its base in memory)."""
    return Set.objects.select_related("base__operator").get(pk=set_.pk).base.operator


def _set_data(form, *, change: bool) -> dict:
    return form_values(form, services.SET_FIELDS, change=change)


def _set_active(set_: Set, form, request) -> Set:
    active = form.cleaned_data.get("is_active")
    if active is not None and active != set_.is_active:
        services.sets_set_active(organization=set_.base.operator, sets=[set_], active=active, by=request.user)
        set_.is_active = active
    return set_


class BlackoutInline(OrganizationScopedInline, admin.TabularInline):
    model = Blackout
    extra = 0
    fields = ("starts_at", "ends_at", "reason")
    saves_through_services = True

    def _operator(self, parent):
        return parent.operator if isinstance(parent, Base) else parent_operator(parent)

    def service_create(self, request, parent, form):
        return services.blackout_create(
            organization=self._operator(parent),
            by=request.user,
            base=parent if self.fk_name == "base" else None,
            set_=parent if self.fk_name == "set" else None,
            **{name: form.cleaned_data[name] for name in self.fields},
        )

    def service_update(self, request, obj, form):
        return services.blackout_update(
            organization=self._operator(obj.base or obj.set),
            blackout=obj,
            by=request.user,
            **form_values(form, self.fields),
        )

    def service_delete(self, request, obj):
        services.blackout_delete(
            organization=self._operator(obj.base or obj.set), blackout=obj, by=request.user
        )


class BaseBlackoutInline(BlackoutInline):
    fk_name = "base"
    verbose_name_plural = gettext_lazy("whole-base blackouts")


class SetBlackoutInline(BlackoutInline):
    fk_name = "set"


class SetPhotoInline(OrganizationScopedInline, admin.TabularInline):
    """Photos go through the API's checks (size, pixel budget, format, content type): ``set_photo_add``."""

    model = SetPhoto
    extra = 0
    fields = ("image", "caption", "position", "width", "height")
    readonly_fields = ("width", "height")
    saves_through_services = True

    def service_create(self, request, parent, form):
        return services.set_photo_add(
            organization=parent_operator(parent),
            set_=parent,
            image=form.cleaned_data["image"],
            by=request.user,
            caption=form.cleaned_data.get("caption", ""),
            position=form.cleaned_data.get("position"),
        )

    def service_update(self, request, obj, form):
        return services.set_photo_update(
            organization=parent_operator(obj.set),
            photo=obj,
            by=request.user,
            **form_values(form, self.fields),
        )

    def service_delete(self, request, obj):
        services.set_photo_delete(organization=parent_operator(obj.set), photo=obj, by=request.user)


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "detour_factor", "average_speed_kmh", "walk_minutes", "circle_minutes")
    search_fields = ("name",)


@admin.register(Base)
class BaseAdmin(OperatorAdmin):
    policy = policies.BASE
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "cancellation_policy":
            # tier rows in words; the model's help text (the API schema's description) speaks JSON
            return CancellationPolicyField(label=db_field.verbose_name, initial=db_field.default)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        field = form.base_fields.get("cancellation_policy")
        if field is not None and obj is not None:
            field.set_rows(tier_rows_for(obj.cancellation_policy))
        return form

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return fields
        # a reader who may not change the base reads the tiers in words, not the JSON
        return ["cancellation_tiers" if name == "cancellation_policy" else name for name in fields]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "operator"] if obj is not None else readonly

    @admin.display(description=Base._meta.get_field("cancellation_policy").verbose_name)
    def cancellation_tiers(self, obj):
        return cancellation_policy_in_words(obj.cancellation_policy)

    def has_delete_permission(self, request, obj=None):
        return False  # a base is withdrawn, never deleted (the API has no delete either)

    def save_model(self, request, obj, form, change):
        data = form_values(form, services.BASE_ADMIN_FIELDS, change=change)
        if change:
            base = services.base_update(base=obj, by=request.user, **data)
        else:
            base = services.base_create(operator=form.cleaned_data["operator"], by=request.user, **data)
        active = form.cleaned_data.get("is_active")
        if active is not None and active != base.is_active:
            services.base_set_active(base=base, active=active, by=request.user)
        obj.pk = base.pk
        obj.refresh_from_db()

    def _set_active(self, request, queryset, active: bool):
        for base in queryset:
            services.base_set_active(base=base, active=active, by=request.user)
        self.message_user(request, _("%(n)d base(s) updated.") % {"n": queryset.count()}, messages.SUCCESS)

    activate, deactivate = activation_actions(
        gettext_lazy("List the selected bases"), gettext_lazy("Withdraw the selected bases")
    )


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
    policy = policies.SET
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

    def has_delete_permission(self, request, obj=None):
        return False  # a set is withdrawn (deactivated), never deleted: bookings refer to it

    def save_model(self, request, obj, form, change):
        data = _set_data(form, change=change)
        if change:
            set_ = services.set_update(
                organization=parent_operator(obj),
                set_=obj,
                by=request.user,
                base=form.cleaned_data.get("base") if "base" in form.changed_data else None,
                **data,
            )
        else:
            base = form.cleaned_data["base"]
            set_ = services.set_create(organization=base.operator, base=base, by=request.user, **data)
        _set_active(set_, form, request)
        obj.pk = set_.pk
        obj.refresh_from_db()

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

    activate, deactivate = activation_actions(
        gettext_lazy("Activate the selected sets"), gettext_lazy("Deactivate the selected sets")
    )

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
    policy = policies.PLACE
    organization_field = "owner"
    list_display = ("name", "kind", "zone", "owner")
    list_filter = ("kind", ("zone", admin.RelatedOnlyFieldListFilter))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = self.own_operators(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TravelTime)
class TravelTimeAdmin(OperatorAdmin):
    policy = policies.TRAVEL_TIME
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
