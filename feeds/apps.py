from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feeds"
    verbose_name = _("Calendar feeds")

    def ready(self):
        from config.scoping import register
        from feeds import selectors
        from feeds.models import FeedToken

        register(FeedToken, selectors.feed_tokens_of)
