from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "review"
    verbose_name = _("Script review")

    def ready(self):
        from review import (
            messages,  # noqa: F401  (registers the builders of its events' messages: @message)
            selectors,  # noqa: F401  (registers what organisations may see: @scope)
        )
