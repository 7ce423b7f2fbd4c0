import json

from django import forms
from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.exceptions import DomainError
from config.redaction import redact_text, redact_url, redact_value
from notifications import policies
from notifications.messages.base import event_type_label
from notifications.models import Delivery, Event, WebhookEndpoint
from notifications.services import (
    clean_event_types,
    delivery_retry_now,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
)
from notifications.webhooks import webhook_url_check
from studio.admin_scoping import OrganizationScopedAdmin
from studio.models import Organization


class ReadOnlyAdmin(OrganizationScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventTypeFilter(admin.SimpleListFilter):
    """The types of the events one may see, by name; the choice still filters by the code (``?type=…``)."""

    title = _("type")
    parameter_name = "type"

    def lookups(self, request, model_admin):
        types = model_admin.get_queryset(request).order_by("type").values_list("type", flat=True).distinct()
        return [(event_type, event_type_label(event_type)) for event_type in types]

    def queryset(self, request, queryset):
        return queryset.filter(type=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    policy = policies.EVENT
    list_display = ["created_at", "type_label", "organization", "actor", "subject_type", "subject_id"]
    list_filter = [EventTypeFilter, "created_at"]
    search_fields = ["type", "subject_id"]
    date_hierarchy = "created_at"
    list_select_related = ["organization", "actor", "subject_type"]
    readonly_fields = [
        "type_shown",
        "organization",
        "actor",
        "subject_type",
        "subject_id",
        "payload_shown",
        "created_at",
    ]
    fields = readonly_fields

    @admin.display(description=_("type"), ordering="type")
    def type_label(self, event):
        return event_type_label(event.type)

    @admin.display(description=_("type"))
    def type_shown(self, event):
        # the name, and in small print the code that support, the API and the webhooks know the event by
        return format_html('{}<br><small class="quiet">{}</small>', event_type_label(event.type), event.type)

    @admin.display(description=_("payload"))
    def payload_shown(self, event):
        # every member's staff account may read events: URLs lose their query and user-info
        return json.dumps(redact_value(event.payload), ensure_ascii=False, cls=DjangoJSONEncoder)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "event",
        "channel",
        "organization",
        "to_address",
        "endpoint",
        "status",
        "attempts",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["to_address", "event__type", "message_id"]
    list_select_related = ["event", "organization", "endpoint"]
    readonly_fields = [
        "event",
        "channel",
        "organization",
        "to_address",
        "endpoint",
        "language",
        "status",
        "attempts",
        "next_attempt_at",
        "sending_since",
        "last_error_shown",
        "sent_at",
        "message_id",
        "created_at",
    ]
    fields = readonly_fields
    actions = ["retry_now"]
    policy = policies.DELIVERY

    @admin.display(description=_("last error"))
    def last_error_shown(self, delivery):
        return redact_text(delivery.last_error)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not (request.user.is_superuser or self.admin_organization_ids(request, write=True)):
            actions.pop("retry_now", None)
        return actions

    @admin.action(description=_("Retry now"))
    def retry_now(self, request, queryset):
        if not request.user.is_superuser:
            queryset = queryset.filter(organization_id__in=self.admin_organization_ids(request, write=True))
        retried = 0
        for delivery in queryset:
            try:
                delivery_retry_now(delivery=delivery, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{delivery}: {error.detail}", messages.WARNING)
            else:
                retried += 1
        if retried:
            self.message_user(
                request,
                ngettext("%(count)d delivery queued.", "%(count)d deliveries queued.", retried)
                % {"count": retried},
                messages.SUCCESS,
            )


class WebhookEndpointForm(forms.ModelForm):
    """The same rules as the API, as form errors: a safe URL and well-formed event types."""

    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ["organization", "name", "url", "kind", "event_types", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            webhook_url_check(url)
        except DomainError as error:
            raise forms.ValidationError(str(error.detail)) from None
        return url

    def clean_event_types(self):
        try:
            return clean_event_types(self.cleaned_data["event_types"] or [])
        except DomainError as error:
            raise forms.ValidationError(str(error.detail)) from None


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(OrganizationScopedAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "organization", "kind", "url_shown", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "url"]
    list_select_related = ["organization"]
    readonly_fields = ["created_at", "updated_at"]
    policy = policies.WEBHOOK_ENDPOINT

    @admin.display(description=_("URL"), ordering="url")
    def url_shown(self, endpoint):
        # the list shows where messages go; the key or token stays on the endpoint's own page
        return redact_url(endpoint.url)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization" and not request.user.is_superuser:
            ids = self.admin_organization_ids(request, write=True)
            kwargs["queryset"] = Organization.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "organization"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        data = {
            field: form.cleaned_data[field] for field in ("name", "url", "kind", "event_types", "is_active")
        }
        if change:
            saved = webhook_endpoint_update(endpoint=obj, by=request.user, **data)
        else:
            saved = webhook_endpoint_create(organization=obj.organization, by=request.user, **data)
        obj.pk, obj.secret = saved.pk, saved.secret

    def delete_model(self, request, obj):
        webhook_endpoint_delete(endpoint=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for endpoint in queryset:
            webhook_endpoint_delete(endpoint=endpoint, by=request.user)
