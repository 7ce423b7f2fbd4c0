"""Admin scoped like the API: a staff member sees and edits only their organisations' rows.

Superusers see everything. Everyone else needs ``is_staff`` and an active membership in an
organisation of one of ``admin_organization_kinds`` with a role in ``admin_roles``; what they see is
filtered through ``organization_field`` (the lookup path from the model to its owning organisation).
Django's per-model permissions are not used for members: the membership role decides.
"""

from django.contrib import admin

from studio.models import Membership, Organization


def admin_memberships(user, *, kinds=None, roles=None):
    if not (user.is_active and user.is_staff):
        return Membership.objects.none()
    memberships = Membership.objects.filter(user=user, is_active=True)
    if kinds is not None:
        memberships = memberships.filter(organization__kind__in=kinds)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships


class OrganizationScopedAdmin(admin.ModelAdmin):
    organization_field = "organization"
    admin_organization_kinds: frozenset | None = None  # None: any kind
    admin_roles = frozenset(Membership.Role.values)
    admin_write_roles = frozenset(
        {Membership.Role.OWNER, Membership.Role.MANAGER, Membership.Role.COORDINATOR}
    )

    def admin_organization_ids(self, request, *, write=False):
        cache_attr = "_admin_org_ids_write" if write else "_admin_org_ids"
        key = (cache_attr, type(self).__name__)
        cache = request.__dict__.setdefault("_admin_scoping_cache", {})
        if key not in cache:
            roles = self.admin_write_roles if write else self.admin_roles
            cache[key] = set(
                admin_memberships(request.user, kinds=self.admin_organization_kinds, roles=roles).values_list(
                    "organization_id", flat=True
                )
            )
        return cache[key]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.organization_field}__in": self.admin_organization_ids(request)})

    def _owner_id(self, obj):
        value = obj
        for part in self.organization_field.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value.pk if isinstance(value, Organization) else value

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(self.admin_organization_ids(request))

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        ids = self.admin_organization_ids(request)
        return bool(ids) if obj is None else self._owner_id(obj) in ids

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        ids = self.admin_organization_ids(request, write=True)
        return bool(ids) if obj is None else self._owner_id(obj) in ids

    def has_add_permission(self, request):
        return request.user.is_superuser or bool(self.admin_organization_ids(request, write=True))

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)
