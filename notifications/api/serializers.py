from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.redaction import redact_text, redact_value
from config.serializers import CappedListField, ModelInputSerializer, OutputModelSerializer
from notifications.models import Delivery, Event, WebhookEndpoint
from notifications.services import EVENT_TYPE_PATTERN, MAX_SUBSCRIBED_TYPES


class SubjectOut(serializers.Serializer):
    type = serializers.CharField(help_text="app_label.model, e.g. studio.production")
    id = serializers.CharField()


class EventOut(OutputModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(read_only=True)
    actor = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)  # null: recorded by a task
    subject = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "type", "organization", "actor", "subject", "payload", "created_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # every member reads the log: URLs lose their query and user-info, also in events written before
        data["payload"] = redact_value(data["payload"])
        return data

    @extend_schema_field(SubjectOut(allow_null=True))
    def get_subject(self, event: Event) -> dict | None:
        if event.subject_type is None:
            return None
        return {"type": f"{event.subject_type.app_label}.{event.subject_type.model}", "id": event.subject_id}


class EventSummaryOut(OutputModelSerializer):
    class Meta:
        model = Event
        fields = ["id", "type", "created_at"]
        read_only_fields = fields


class DeliveryOut(OutputModelSerializer):
    event = EventSummaryOut()
    endpoint = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)  # null for email
    to_address = serializers.EmailField(read_only=True, allow_blank=True)  # blank for webhook, WeCom

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "channel",
            "to_address",
            "endpoint",
            "language",
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "sent_at",
            "message_id",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # stored redacted since; rows from before are redacted on the way out
        data["last_error"] = redact_text(data["last_error"])
        return data


class WebhookEndpointOut(OutputModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "name", "url", "kind", "event_types", "is_active", "created_at", "updated_at"]
        read_only_fields = fields


class WebhookEndpointWithSecretOut(WebhookEndpointOut):
    """Shown on creation and after rotation only: the secret receivers verify signatures with."""

    class Meta(WebhookEndpointOut.Meta):
        fields = [*WebhookEndpointOut.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointIn(ModelInputSerializer):
    event_types = CappedListField(
        child=serializers.RegexField(
            EVENT_TYPE_PATTERN,
            max_length=100,
            error_messages={"invalid": _('Use types like "booking.confirmed" or "booking.*".')},
        ),
        max_length=MAX_SUBSCRIBED_TYPES,
        required=False,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "kind", "event_types", "is_active"]
        # the name's uniqueness is the service's rule, with its own message
        validators = []
