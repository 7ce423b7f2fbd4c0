from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "crews"
    verbose_name = _("Crews and shooting")

    def ready(self):
        from crews import (
            messages,  # noqa: F401  (registers the builders of its events' messages: @message)
            selectors,  # noqa: F401  (registers what organisations may see: @scope)
        )
