"""The places crews start from and the measured travel times between places and bases."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from locations.models.catalogue import LATITUDE, Base, Set, Zone, coordinate_constraints
from studio.models import Organization


class Place(models.Model):
    """A named point a crew starts from: a hotel, a base gate, a car park."""

    class Kind(models.TextChoices):
        HOTEL = "hotel", _("hotel")
        GATE = "gate", _("base gate")
        OTHER = "other", _("other")

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="places", verbose_name=_("zone"))
    owner = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="places",
        limit_choices_to={"kind": Organization.Kind.BASE_OPERATOR},
        verbose_name=_("maintained by"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HOTEL)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), **LATITUDE)
    longitude = models.DecimalField(_("longitude"), max_digits=10, decimal_places=6)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["zone", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="place_unique_zone_name"),
            *coordinate_constraints("place"),
        ]

    def __str__(self):
        return self.name


def endpoint_key(obj) -> str:
    """``place:12`` or ``base:3``: how a travel-time entry names one end (a set travels from its base)."""
    if isinstance(obj, Place):
        return f"place:{obj.pk}"
    if isinstance(obj, Base):
        return f"base:{obj.pk}"
    if isinstance(obj, Set):
        return f"base:{obj.base_id}"
    raise TypeError(f"No travel-time key for {obj!r}")


class TravelTime(models.Model):
    """A measured travel time between two places or bases, the same in both directions."""

    owner = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="travel_times", verbose_name=_("recorded by")
    )
    place_a = models.ForeignKey(
        Place, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("place A")
    )
    base_a = models.ForeignKey(
        Base, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("base A")
    )
    place_b = models.ForeignKey(
        Place, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("place B")
    )
    base_b = models.ForeignKey(
        Base, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("base B")
    )
    # Canonical keys (key_a < key_b) make the pair unique whichever way round it was entered, and let
    # one indexed query fetch every entry touching an origin.
    key_a = models.CharField(max_length=40, editable=False)
    key_b = models.CharField(max_length=40, editable=False)
    minutes = models.PositiveSmallIntegerField(_("minutes"), validators=[MinValueValidator(0)])
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("travel time")
        verbose_name_plural = _("travel times")
        ordering = ["key_a", "key_b"]
        indexes = [models.Index(fields=["key_b", "key_a"])]
        constraints = [
            models.UniqueConstraint(fields=["key_a", "key_b"], name="travel_time_unique_pair"),
            models.CheckConstraint(condition=Q(key_a__lt=F("key_b")), name="travel_time_canonical_order"),
            models.CheckConstraint(
                condition=(Q(place_a__isnull=False) & Q(base_a__isnull=True))
                | (Q(place_a__isnull=True) & Q(base_a__isnull=False)),
                name="travel_time_one_end_a",
            ),
            models.CheckConstraint(
                condition=(Q(place_b__isnull=False) & Q(base_b__isnull=True))
                | (Q(place_b__isnull=True) & Q(base_b__isnull=False)),
                name="travel_time_one_end_b",
            ),
        ]

    def __str__(self):
        return f"{self.end_a} ↔ {self.end_b}: {self.minutes} min"

    @property
    def end_a(self):
        return self.place_a or self.base_a

    @property
    def end_b(self):
        return self.place_b or self.base_b

    def set_ends(self, first, second) -> None:
        """Store the two ends in canonical order (by key) so that (A, B) and (B, A) are one entry."""
        if endpoint_key(second) < endpoint_key(first):
            first, second = second, first
        self.place_a = first if isinstance(first, Place) else None
        self.base_a = first if isinstance(first, Base) else None
        self.place_b = second if isinstance(second, Place) else None
        self.base_b = second if isinstance(second, Base) else None
        self.key_a, self.key_b = endpoint_key(first), endpoint_key(second)
