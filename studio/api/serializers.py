from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import serializers

from config.serializers import ChoiceField, InputSerializer, ModelInputSerializer, OutputModelSerializer
from studio.models import Membership, Organization, Production
from studio.services import PRODUCTION_FIELDS, PRODUCTION_PROFILE_FIELDS


class OrganizationOut(OutputModelSerializer):
    class Meta:
        model = Organization
        fields = [
            "id",
            "kind",
            "name",
            "short_name",
            "province",
            "city",
            "contact_name",
            "contact_phone",
            "contact_email",
            "licence_number",
        ]


class MembershipOut(OutputModelSerializer):
    organization = OrganizationOut()

    class Meta:
        model = Membership
        fields = ["id", "role", "organization"]


class MeOut(OutputModelSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "first_name", "last_name", "email", "memberships"]

    def get_memberships(self, user) -> list[dict]:
        return MembershipOut(self.context["memberships"], many=True).data


class ProductionOut(OutputModelSerializer):
    company = serializers.PrimaryKeyRelatedField(read_only=True)
    # blank until the first classification (rows made in bulk, e.g. province-scale demo data)
    tier = serializers.ChoiceField(choices=Production.Tier.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Production
        fields = [
            "id",
            "company",
            *PRODUCTION_PROFILE_FIELDS,
            "tier",
            "tier_flagged_at",
            "planned_start",
            "planned_end",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProductionIn(ModelInputSerializer):
    class Meta:
        model = Production
        fields = list(PRODUCTION_FIELDS)
        # uniqueness is the service's rule, with its own message
        validators = []

    def validate(self, attrs):
        start = attrs.get("planned_start", getattr(self.instance, "planned_start", None))
        end = attrs.get("planned_end", getattr(self.instance, "planned_end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"planned_end": [_("Must be on or after the planned start.")]})
        return attrs


class ProductionStatusIn(InputSerializer):
    status = ChoiceField(choices=Production.Status.choices)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TokenIn(InputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
