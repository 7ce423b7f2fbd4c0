"""Tier classification (分类分层审核) from the ``TierRule`` in force on a date."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from notifications.services import event_record
from review.models import TierRule
from studio.models import Production


def tier_rule_on(day: date) -> TierRule:
    """The rule in force on ``day``: the latest one whose ``effective_from`` is not after it."""
    rule = TierRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rule is None:
        raise DomainError(_("No tier rule is in force on %(date)s.") % {"date": day}, code="no_tier_rule")
    return rule


def tier_classify(*, total_investment: Decimal, special_subject: bool, on: date) -> tuple[str, TierRule]:
    """The tier of a production with this budget and subject on ``on``, and the rule that decided it."""
    rule = tier_rule_on(on)
    return rule.classify(total_investment=total_investment, special_subject=special_subject), rule


def production_tier_refresh(
    *, production: Production, by=None, on: date | None = None, rule: TierRule | None = None
) -> Production:
    """Re-classify ``production`` (caller holds the row and the transaction); flag a threshold crossing.

    The first classification is not a crossing. A change of tier sets ``tier_flagged_at`` and records
    a ``production.tier_changed`` event for the company, so open submissions can be looked at again.
    """
    on = on or timezone.localdate()
    if rule is None:
        rule = TierRule.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
        if rule is None:  # no rules loaded (yet): leave the tier unknown rather than guess
            return production
    tier = rule.classify(
        total_investment=production.total_investment, special_subject=production.special_subject
    )
    previous = production.tier
    if tier == previous:
        return production
    production.tier = tier
    fields = ["tier"]
    if previous:
        production.tier_flagged_at = timezone.now()
        fields.append("tier_flagged_at")
    if production.pk:
        Production.objects.filter(pk=production.pk).update(**{f: getattr(production, f) for f in fields})
        if previous:
            event_record(
                type="production.tier_changed",
                organization=production.company,
                actor=by,
                subject=production,
                audience=[production.company],
                payload={
                    "production": production.pk,
                    "title": production.title,
                    "from": previous,
                    "to": tier,
                    "rule_effective_from": rule.effective_from.isoformat(),
                    "total_investment": str(production.total_investment),
                    "special_subject": production.special_subject,
                },
            )
    return production


def tiers_reclassify_all(*, on: date | None = None) -> int:
    """Re-classify every production under the rule in force on ``on`` (run when a new rule takes effect)."""
    on = on or timezone.localdate()
    rule = tier_rule_on(on)
    changed = 0
    for production in Production.objects.select_related("company").iterator(chunk_size=500):
        before = production.tier
        production_tier_refresh(production=production, on=on, rule=rule)
        changed += production.tier != before
    return changed
