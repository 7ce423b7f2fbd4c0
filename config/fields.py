"""Model field declarations that several apps repeat."""

from django.conf import settings
from django.db import models


def optional_user(verbose_name, *, on_delete=models.SET_NULL, related_name="+") -> models.ForeignKey:
    """An optional link to a user account (who requested, published, acted …), empty when there is none."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )
