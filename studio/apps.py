from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "studio"
    verbose_name = _("Companies and productions")

    def ready(self):
        from studio import (
            messages,  # noqa: F401  (registers the builders of its events' messages: @message)
            selectors,  # noqa: F401  (registers what organisations may see: @scope)
        )
