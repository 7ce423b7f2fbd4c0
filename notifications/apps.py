from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from config.scoping import register
        from notifications import feeds, selectors
        from notifications.models import Delivery, Event, FeedToken, WebhookEndpoint

        register(Event, selectors.events_visible_to)
        register(Delivery, selectors.deliveries_visible_to)
        register(WebhookEndpoint, selectors.webhook_endpoints_of)
        register(FeedToken, feeds.feed_tokens_of)
