from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from notifications import feeds  # noqa: F401  (registers what organisations may see of feed tokens)

        # every app's messages.py registers the builders of its events' messages (@message), as the admin
        # finds every admin.py
        autodiscover_modules("messages")
