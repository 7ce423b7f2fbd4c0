"""Model field declarations that several apps repeat."""

from django.conf import settings
from django.db import models

#: the largest id a (big) auto field holds: an id input beyond it names no row (and would overflow the query)
ID_MAX = 2**63 - 1


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
