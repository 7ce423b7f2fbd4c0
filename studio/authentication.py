"""API token authentication that also reads the acting membership, in one query.

Every API request with a token names its organisation (``X-Organization``) and is then checked for a
membership there (``studio.tenancy.ActingOrganization``): two queries on every call. When the header
is present, this reads the token, its user, the user's active membership in that organisation and the
organisation together; ``ActingOrganization`` then finds the membership already on the request. A
token whose user is no member there (or a request without the header) falls back to DRF's own lookup,
so every answer (401, 404, 400) stays what it was.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from studio.models import Membership
from studio.tenancy import act_through, requested_organization_id


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request):
        self.request = request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        try:
            organization_id = requested_organization_id(self.request)
        except exceptions.APIException:
            organization_id = None  # reported by ActingOrganization, once the user is known
        if organization_id is None:
            return super().authenticate_credentials(key)
        found = (
            Membership.objects.select_related("user__auth_token", "organization")
            .filter(user__auth_token__key=key, organization_id=organization_id, is_active=True)
            .order_by()[:1]  # one membership per user and organisation: no ordering (and its joins)
        )
        if not found:
            return super().authenticate_credentials(key)
        (membership,) = found
        user = membership.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        act_through(self.request, membership)
        return user, user.auth_token
