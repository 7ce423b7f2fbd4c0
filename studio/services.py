"""Writes for the studio app: every change goes through here, in one transaction, with its event."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from config.locking import lock, locked_transaction
from config.services import model_update
from notifications.services import event_record, event_record_update
from review.tiers import production_tier_refresh
from studio.models import Organization, Production
from studio.workflow import PRODUCTIONS

#: What the company declares about a production (its tier is classified from the investment and subject).
PRODUCTION_PROFILE_FIELDS = (
    "title",
    "genre",
    "episode_count",
    "minutes_per_episode",
    "total_investment",
    "special_subject",
)
#: The fields the company writes: its profile and the planned dates.
PRODUCTION_FIELDS = (*PRODUCTION_PROFILE_FIELDS, "planned_start", "planned_end")


def _check_production(production: Production) -> None:
    if (
        production.planned_start
        and production.planned_end
        and production.planned_end < production.planned_start
    ):
        raise DomainError(
            _("The planned end is before the planned start."),
            code="invalid_dates",
            fields={"planned_end": [_("Must be on or after the planned start.")]},
        )
    duplicate = Production.objects.filter(company=production.company, title=production.title).exclude(
        pk=production.pk
    )
    if duplicate.exists():
        raise DomainError(
            _("Your company already has a production with this title."),
            code="duplicate_title",
            fields={"title": [_("Already used by another of your productions.")]},
        )


@transaction.atomic
def production_create(*, company: Organization, by, **data) -> Production:
    """Create a production for a production company."""
    if company.kind != Organization.Kind.PRODUCTION_COMPANY:
        raise DomainError(_("Only production companies make productions."), code="wrong_organization_kind")
    production = Production(company=company, **{k: v for k, v in data.items() if k in PRODUCTION_FIELDS})
    _check_production(production)
    production_tier_refresh(production=production, by=by)
    production.save()
    event_record(
        type="production.created",
        organization=company,
        actor=by,
        subject=production,
        payload={"production": production.pk, "title": production.title},
    )
    return production


@locked_transaction()
def production_update(*, production: Production, by, **data) -> Production:
    """Change a production's details."""
    production, changed = model_update(
        instance=lock(Production, production.pk), fields=PRODUCTION_FIELDS, data=data, check=_check_production
    )
    if not changed:
        return production
    if "total_investment" in changed or "special_subject" in changed:
        production_tier_refresh(production=production, by=by)
    values = {name: str(getattr(production, name)) for name in changed}
    event_record_update(
        type="production.updated",
        subject=production,
        organization=production.company,
        actor=by,
        changed=values,
    )
    return production


def production_change_status(*, production: Production, to: str, by, comment: str = "") -> Production:
    """Move a production along its lifecycle (development → … → released, or cancelled)."""
    return PRODUCTIONS.run(
        PRODUCTIONS.action_to(to), production, by=by, now=timezone.now(), apply=lambda _: {"comment": comment}
    )
