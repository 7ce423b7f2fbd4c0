"""Admin scoped like the API: a staff member sees, names and edits only their organisations' rows.

Superusers see everything. Everyone else needs ``is_staff`` and an active membership that the admin's
``policy`` allows: its ``admin_view`` rule for seeing, its ``admin_change`` rule for changing, adding and
deleting (``studio.policy``); what they see is filtered through ``organization_field`` (the lookup path
from the model to its owning organisation). Django's per-model permissions are not used for members: the
policy decides. An action declared with ``policy_action`` is offered only to a staff member the policy
allows it to, and ``run_policy_action`` asks the policy again for each selected row, for the member's
membership in the row's organisation.

Every id a member's form or list can carry is resolved like the API's (``config.scoping``):

- relation form fields (the admin's own and its inlines', raw-id inputs included) offer and accept only
  what the edited object's organisation may see (on an add page: what the member's organisations may
  see); the owner field itself offers only the member's own organisations;
- relation list filters offer only related objects that occur in the rows the member sees.

A service's refusal (``DomainError``) during a save rolls the whole change back and is shown on the
form (or on the inline row that caused it), never as a 500.
"""

import copy
from contextvars import ContextVar

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.widgets import ForeignKeyRawIdWidget, ManyToManyRawIdWidget
from django.contrib.messages import ERROR, SUCCESS
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db.models import Q
from django.utils.translation import gettext

from config import scoping
from config.exceptions import DomainError
from studio.models import Membership, Organization
from studio.policy import Actor, Policy, Rule


def admin_memberships(user, rule: Rule | None = None):
    """A staff user's active memberships (those whose kind and role ``rule`` allows, if given)."""
    if not (user.is_active and user.is_staff):
        return Membership.objects.none()
    memberships = Membership.objects.filter(user=user, is_active=True)
    if rule is not None:
        memberships = memberships.filter(organization__kind__in=rule.kinds, role__in=rule.roles)
    return memberships


def admin_allows(request, policy: Policy, *, write: bool = False) -> bool:
    """The staff member may see (``write``: change) through ``policy`` in one organisation at least."""
    user = request.user
    return user.is_superuser or admin_memberships(user, policy.admin_rule(write=write)).exists()


def admin_actor(user, policy: Policy, action: str, organization_ids) -> Actor:
    """``user`` acting through their membership in one of ``organization_ids`` (an object's organisations):
    one that ``policy`` allows ``action`` to, else one whose refusal says why (one of a kind the rule
    names first, so that the answer speaks of the role), else no membership at all."""
    actors = [
        Actor(user=user, membership=membership)
        for membership in admin_memberships(user)
        .filter(organization_id__in=organization_ids)
        .select_related("organization")
        .order_by("pk")
    ]
    return policy.likeliest_actor(actors, action) or Actor(user=user, membership=None)


def policy_action(action: str, **kwargs):
    """An admin action that does the policy's ``action`` (``admin.action``'s arguments in ``kwargs``)."""

    def decorate(function):
        function = admin.action(**kwargs)(function)
        function.policy_action = action
        return function

    return decorate


class ScopedForeignKeyRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id input that labels only an object its field may name (Django's looks up any id)."""

    def __init__(self, rel, admin_site, attrs=None, using=None, *, queryset):
        super().__init__(rel, admin_site, attrs, using)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        try:
            self.queryset.get(**{self.rel.get_related_field().name: value})
        except (ValueError, TypeError, ValidationError, ObjectDoesNotExist):
            return "", ""
        return super().label_and_url_for_value(value)


def form_values(form, fields, *, change: bool = True) -> dict:
    """What an admin form passes to a service: the cleaned values of ``fields``; on a change, only those
    the user changed (so that a service records, and checks, just what changed)."""
    return {
        name: form.cleaned_data[name]
        for name in fields
        if name in form.cleaned_data and (not change or name in form.changed_data)
    }


def scope_relation_fields(fields: dict, organizations: list, *, owner_field: str | None = None) -> None:
    """Narrow every relation field in ``fields`` (a form class's ``base_fields``) to what ``organizations``
    may see; ``owner_field`` (the object's owning organisation) offers those organisations only."""
    for name, field in list(fields.items()):
        if not isinstance(field, forms.ModelChoiceField):  # the multiple-choice field is one too
            continue
        field = fields[name] = copy.deepcopy(field)  # a declared field is shared with the form class
        queryset = field.queryset
        if name == owner_field and queryset.model is Organization:
            queryset = queryset.filter(pk__in=[organization.pk for organization in organizations])
        field.queryset = scoping.narrow(queryset, organizations)
        widget = getattr(field.widget, "widget", field.widget)  # inside the add/change-links wrapper
        if isinstance(widget, ForeignKeyRawIdWidget) and not isinstance(widget, ManyToManyRawIdWidget):
            scoped = ScopedForeignKeyRawIdWidget(
                widget.rel, widget.admin_site, widget.attrs, widget.db, queryset=field.queryset
            )
            if widget is field.widget:
                field.widget = scoped
            else:
                field.widget.widget = scoped


def show_domain_error(form, error: DomainError) -> None:
    """Put a service's refusal on ``form``: on the fields it names when the form has them, else on top."""
    unplaced = not error.fields
    for name, messages in error.fields.items():
        if name in form.fields and not form.fields[name].disabled:
            messages = messages if isinstance(messages, list | tuple) else [messages]
            form.add_error(name, [str(message) for message in messages])
        else:
            unplaced = True
    if unplaced:
        form.add_error(None, str(error.detail))


class AdminRefusal(Exception):
    """A service refused part of an admin save: ``errors`` are ``(inline position, row, DomainError)``,
    with ``(None, None, error)`` for the object's own form."""

    def __init__(self, errors: list[tuple[int | None, int | None, DomainError]]):
        self.errors = errors
        super().__init__("; ".join(str(error.detail) for *_where, error in errors))

    def form_class(self, form_class):
        errors = [error for position, _row, error in self.errors if position is None]
        if not errors:
            return form_class

        class Refused(form_class):
            def _post_clean(self):
                super()._post_clean()
                for error in errors:
                    show_domain_error(self, error)

        Refused.__name__ = form_class.__name__
        return Refused

    def formset_class(self, formset_class, position: int):
        errors = [(row, error) for where, row, error in self.errors if where == position]
        if not errors:
            return formset_class

        class Refused(formset_class):
            def full_clean(self):
                super().full_clean()
                for row, error in errors:
                    if row is None or row >= len(self.forms):
                        self._non_form_errors.append(str(error.detail))
                    else:
                        show_domain_error(self.forms[row], error)

        Refused.__name__ = formset_class.__name__
        return Refused


class ScopedRelatedFieldListFilter(admin.RelatedOnlyFieldListFilter):
    """A relation's list filter offering only the related objects that occur in the rows the member may
    see, and that the member's organisations may see (``config.scoping``)."""

    def field_choices(self, field, request, model_admin):
        rows = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        limit = Q(pk__in=rows)
        if not request.user.is_superuser:
            organizations = model_admin.admin_organizations(request)
            limit &= scoping.visible_q(field.related_model, organizations)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, limit_choices_to=limit, ordering=ordering)


#: the request whose change form is being rendered (read-only relations link only what it may open)
_viewing = ContextVar("admin_viewing", default=None)
_linked = helpers.AdminReadonlyField.get_admin_url


def _admin_url_if_viewable(self, remote_field, remote_obj):
    """A read-only relation links to the related object's page only if the viewer may open it; otherwise
    its name alone (Django links it regardless, to a 403 for another organisation's object)."""
    request = _viewing.get()
    if request is not None and not request.user.is_superuser:
        related_admin = self.model_admin.admin_site._registry.get(remote_field.model)
        if related_admin is None or not related_admin.has_view_permission(request, remote_obj):
            return str(remote_obj)
    return _linked(self, remote_field, remote_obj)


helpers.AdminReadonlyField.get_admin_url = _admin_url_if_viewable


class OrganizationScopedAdmin(admin.ModelAdmin):
    organization_field = "organization"
    policy: Policy  # whose admin_view / admin_change rules say which memberships see and change the rows

    def admin_organization_ids(self, request, *, write=False):
        cache_attr = "_admin_org_ids_write" if write else "_admin_org_ids"
        key = (cache_attr, type(self).__name__)
        cache = request.__dict__.setdefault("_admin_scoping_cache", {})
        if key not in cache:
            rule = self.policy.admin_rule(write=write)
            cache[key] = set(admin_memberships(request.user, rule).values_list("organization_id", flat=True))
        return cache[key]

    def object_organization_ids(self, obj) -> set:
        """The organisations ``obj`` belongs to (whose members may act on it)."""
        owner = self._owner_id(obj)
        return set() if owner is None else {owner}

    def admin_organizations(self, request, obj=None, *, write=False) -> list[Organization]:
        """The organisations whose view a relation offers: the object's owner, else the member's own."""
        ids = self.admin_organization_ids(request, write=write)
        if write and not ids:
            ids = self.admin_organization_ids(request)  # a read-only page still renders its fields
        owner = self._owner_id(obj) if obj is not None and obj.pk is not None else None
        if owner in ids:
            ids = {owner}
        return list(Organization.objects.filter(pk__in=ids).order_by("pk"))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.organization_field}__in": self.admin_organization_ids(request)})

    def _owner_id(self, obj):
        value = obj
        *path, last = self.organization_field.split("__")
        for part in path:
            value = getattr(value, part, None)
            if value is None:
                return None
        # the owner's id as the row holds it: a page asks this for every row it links (no query each)
        owner_id = getattr(value, f"{last}_id", None)
        if owner_id is not None:
            return owner_id
        value = getattr(value, last, None)
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

    # -- actions the policy allows ------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if request.user.is_superuser:
            return actions
        memberships = admin_memberships(request.user).select_related("organization")
        actors = [Actor(user=request.user, membership=membership) for membership in memberships]
        for name, (function, *_rest) in list(actions.items()):
            action = getattr(function, "policy_action", None)
            if action is not None and not any(self.policy.allows(actor, action) for actor in actors):
                del actions[name]
        return actions

    def run_policy_action(self, request, queryset, action: str, call, done_message, **values) -> int:
        """``call(obj)`` for each selected row the policy allows ``action`` on; a refusal (the policy's, or
        the service's ``DomainError``) is an error message naming the row, never a 500. ``done_message``
        is formatted with ``n`` (the rows done) and ``values``."""
        done = 0
        for obj in queryset:
            reason = None
            if not self.has_change_permission(request, obj):
                reason = gettext("not yours to change.")
            elif not request.user.is_superuser:  # a superuser is no organisation's member: the admin's own
                actor = admin_actor(request.user, self.policy, action, self.object_organization_ids(obj))
                reason = self.policy.refusal(actor, action, obj)
            if reason is None:
                try:
                    call(obj)
                except DomainError as exc:
                    reason = exc.detail
                else:
                    done += 1
                    continue
            self.message_user(request, f"{self.row_label(obj)}: {reason}", ERROR)
        if done:
            self.message_user(request, done_message % {"n": done, **values}, SUCCESS)
        return done

    def row_label(self, obj) -> str:
        return str(obj)

    # -- every id a form or a list filter carries is one the member may name -------------------------

    def _scope_fields(self, request, fields, obj):
        if not request.user.is_superuser:
            organizations = self.admin_organizations(request, obj, write=True)
            scope_relation_fields(fields, organizations, owner_field=self.organization_field.split("__")[0])

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        self._scope_fields(request, form.base_fields, obj)
        refusal = request.__dict__.get("_admin_refusal")
        return refusal.form_class(form) if refusal else form

    def get_formsets_with_inlines(self, request, obj=None):
        refusal = request.__dict__.get("_admin_refusal")
        for position, (formset, inline) in enumerate(super().get_formsets_with_inlines(request, obj)):
            if not request.user.is_superuser:
                scope_relation_fields(
                    formset.form.base_fields, self.admin_organizations(request, obj, write=True)
                )
            if refusal:
                formset = refusal.formset_class(formset, position)
            formset.admin_inline, formset.admin_inline_position = inline, position
            yield formset, inline

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [self._scoped_list_filter(item) for item in filters]

    def _scoped_list_filter(self, item):
        if isinstance(item, str):
            path, filter_class = item, None
        elif isinstance(item, list | tuple):
            path, filter_class = item
        else:
            return item  # a SimpleListFilter decides its own choices
        if filter_class is not None and (
            not issubclass(filter_class, admin.RelatedFieldListFilter)
            or issubclass(filter_class, ScopedRelatedFieldListFilter)
        ):
            return item
        try:
            field = get_fields_from_path(self.model, path)[-1]
        except FieldDoesNotExist:
            return item
        return (path, ScopedRelatedFieldListFilter) if field.is_relation else item

    # -- a service's refusal is a form error ------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        viewing = _viewing.set(request)
        try:
            response = self._changeform_showing_refusals(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # while the viewer is known: the read-only relations' links ask it
            return response
        finally:
            _viewing.reset(viewing)

    def _changeform_showing_refusals(self, request, object_id, form_url, extra_context):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (AdminRefusal, DomainError) as exc:
            if request.method != "POST" or "_admin_refusal" in request.__dict__:
                raise
            # the save's transaction is rolled back; the same request is shown again with the errors
            request._admin_refusal = (
                exc if isinstance(exc, AdminRefusal) else AdminRefusal([(None, None, exc)])
            )
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_formset(self, request, form, formset, change):
        inline = getattr(formset, "admin_inline", None)
        if isinstance(inline, OrganizationScopedInline) and inline.saves_through_services:
            inline.save_formset_through_services(
                request, form.instance, formset, formset.admin_inline_position
            )
        else:
            super().save_formset(request, form, formset, change)


class OrganizationScopedInline:
    """An inline whose rights follow the parent admin's organisation scoping, not Django's model perms.

    An inline that sets ``saves_through_services`` saves each row with ``service_create`` /
    ``service_update`` / ``service_delete`` (or the whole table with ``save_formset_through_services``);
    a ``DomainError`` they raise is shown on the row.
    """

    saves_through_services = False

    def parent_admin(self) -> OrganizationScopedAdmin:
        return self.admin_site._registry[self.parent_model]

    def _allowed(self, request, obj, *, write):
        if request.user.is_superuser:
            return True
        parent = self.parent_admin()
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

    def service_create(self, request, parent, form):
        raise NotImplementedError

    def service_update(self, request, obj, form):
        raise NotImplementedError

    def service_delete(self, request, obj):
        raise NotImplementedError

    def save_formset_through_services(self, request, parent, formset, position: int) -> None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        initial = set(formset.initial_forms)
        for row, form in enumerate(formset.forms):
            deleted = formset.can_delete and formset._should_delete_form(form)
            try:
                if form in initial:
                    if deleted:
                        self.service_delete(request, form.instance)
                        formset.deleted_objects.append(form.instance)
                    elif form.has_changed():
                        saved = self.service_update(request, form.instance, form)
                        formset.changed_objects.append((saved, form.changed_data))
                elif form.has_changed() and not deleted:
                    formset.new_objects.append(self.service_create(request, parent, form))
            except DomainError as error:
                raise AdminRefusal([(position, row, error)]) from error


class ReadOnlyTabularInline(admin.TabularInline):
    """Rows shown on their parent's page, never changed there: all fields read-only, none added or deleted."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False
