from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class StudioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "studio"
    verbose_name = _("Companies and productions")

    def ready(self):
        # every app's selectors.py registers what organisations may see of its models (config.scoping's
        # @scope), as the admin finds every admin.py
        autodiscover_modules("selectors")
