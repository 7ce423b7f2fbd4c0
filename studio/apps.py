from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "studio"
    verbose_name = _("Companies and productions")

    def ready(self):
        from django.contrib.auth import get_user_model

        from config.scoping import register
        from studio import selectors
        from studio.models import Membership, Organization, Production

        register(Organization, selectors.organizations_visible_to)
        register(Production, selectors.productions_visible_to)
        register(Membership, selectors.memberships_of)
        register(get_user_model(), selectors.members_of)
