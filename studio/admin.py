"""Admin for organisations, their members and productions, scoped like the API.

A staff member sees only the organisations they belong to and those organisations' productions;
superusers see everything. Production writes go through the same services as the API; each row of the
production workflow (``studio.workflow.PRODUCTIONS``) is an action, allowed by the API's ``transition``
rule (``studio.policies.PRODUCTION``).
"""

from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from studio import policies
from studio.admin_scoping import OrganizationScopedAdmin, policy_action
from studio.models import Membership, Organization, Production
from studio.services import PRODUCTION_FIELDS, production_change_status, production_create, production_update
from studio.workflow import PRODUCTIONS


def _status_action(row):
    """The admin action of one row of the production workflow: move the selected productions along it."""
    target = Production.Status(row.target)

    def move(modeladmin, request, queryset):
        modeladmin.run_policy_action(
            request,
            queryset,
            "transition",
            lambda production: production_change_status(production=production, to=target, by=request.user),
            gettext("%(n)d production(s) moved to “%(status)s”."),
            status=target.label,
        )

    move.__name__ = row.action
    return policy_action(
        "transition", description=format_lazy(_("Move the selected productions to “{}”"), target.label)
    )(move)


class MembershipInline(admin.TabularInline):
    """An organisation's members; roles editable by whoever may change the organisation.

    Only a superuser adds a member or changes whose membership a row is: naming a user account by id
    would tell a member which ids exist, and the raw-id input would show another tenant's user's name.
    """

    model = Membership
    extra = 0
    fields = ["user", "role", "is_active", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]

    def _parent_admin(self):
        return self.admin_site._registry[Organization]

    def has_view_permission(self, request, obj=None):
        return self._parent_admin().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else [*readonly, "user"]

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)


@admin.register(Organization)
class OrganizationAdmin(OrganizationScopedAdmin):
    organization_field = "pk"  # an organisation is scoped on itself
    policy = policies.ORGANIZATION
    list_display = ["name", "short_name", "kind", "province", "city", "contact_name", "created_at"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "short_name", "city", "licence_number"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("kind")  # a member cannot turn their company into a review centre
        return readonly

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Production)
class ProductionAdmin(OrganizationScopedAdmin):
    organization_field = "company"
    policy = policies.PRODUCTION
    list_display = [
        "title",
        "company",
        "genre",
        "episode_count",
        "total_investment",
        "status",
        "planned_start",
    ]
    list_filter = ["status", "genre", "special_subject"]
    search_fields = ["title", "company__name"]
    list_select_related = ["company"]
    date_hierarchy = "planned_start"
    readonly_fields = ["status", "created_at", "updated_at"]  # state changes are actions, never edits
    actions = [_status_action(row) for row in PRODUCTIONS.table.values() if row.by_person]
    fields = ["company", *PRODUCTION_FIELDS, "status", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("company")
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "company" and not request.user.is_superuser:
            kwargs["queryset"] = Organization.objects.filter(
                pk__in=self.admin_organization_ids(request, write=True)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in PRODUCTION_FIELDS if name in form.cleaned_data}
        # The form's constraint validation catches most refusals first; one that gets here (a race) is
        # shown on the form by OrganizationScopedAdmin.
        if change:
            changed = {name: value for name, value in data.items() if name in form.changed_data}
            saved = production_update(production=obj, by=request.user, **changed)
        else:
            saved = production_create(company=obj.company, by=request.user, **data)
        obj.pk = saved.pk
        obj.refresh_from_db()
