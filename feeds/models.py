"""Private iCalendar feeds: one token model for a company's bookings, a set's busy times, a person's calls.

A feed is its ``kind``, the organisation it belongs to and, for two kinds, the object it shows (a set
or a person); its URL carries ``token``, the only key. The set and person are real foreign keys named by
string (the database cascades and checks them), so this app imports none of the apps whose feeds it
holds: ``locations``, ``bookings`` and ``crews`` all call its services without an import cycle.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from studio.models import Organization


class FeedToken(models.Model):
    """One private iCalendar feed, reached by the unguessable token in its URL."""

    class Kind(models.TextChoices):
        BOOKINGS = "bookings", _("company bookings")
        SET = "set", _("set busy times")
        PERSON = "person", _("person's call times")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="feed_tokens", verbose_name=_("organisation")
    )
    set = models.ForeignKey(
        "locations.Set",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feed_tokens",
        verbose_name=_("set"),
    )
    person = models.ForeignKey(
        "crews.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feed_tokens",
        verbose_name=_("person"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="bookings") & Q(set__isnull=True) & Q(person__isnull=True))
                | (Q(kind="set") & Q(set__isnull=False) & Q(person__isnull=True))
                | (Q(kind="person") & Q(set__isnull=True) & Q(person__isnull=False)),
                name="feed_token_target_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["organization"], condition=Q(kind="bookings"), name="feed_token_one_bookings_feed"
            ),
            models.UniqueConstraint(
                fields=["organization", "set"], condition=Q(kind="set"), name="feed_token_one_set_feed"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(kind="person"), name="feed_token_one_person_feed"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.set or self.person or self.organization}"
