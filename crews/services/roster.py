"""Writes for the roster: people, crews and crew members."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from config.locking import lock, locked_transaction
from config.services import model_update
from crews.models import Crew, CrewMember, Person, Role
from notifications.services import event_record, event_record_update
from studio.models import Organization, Production

PERSON_FIELDS = ("name", "phone", "email", "roles", "day_rate", "user", "notes", "is_active")


def _require_company(company: Organization) -> None:
    if company.kind != Organization.Kind.PRODUCTION_COMPANY:
        raise DomainError(_("Only production companies keep crews."), code="wrong_organization_kind")


def _clean_roles(roles) -> list[str]:
    roles = list(dict.fromkeys(roles or []))
    unknown = [role for role in roles if role not in Role.values]
    if unknown:
        raise DomainError(
            _("Unknown role(s): %(roles)s.") % {"roles": ", ".join(map(str, unknown))},
            code="invalid_roles",
            fields={"roles": [_("Choose from the crew roles.")]},
        )
    return roles


def _check_person(person: Person) -> None:
    duplicate = Person.objects.filter(company_id=person.company_id, name=person.name, phone=person.phone)
    if duplicate.exclude(pk=person.pk).exists():
        raise DomainError(
            _("Your roster already has %(name)s with this phone number.") % {"name": person.name},
            code="duplicate_person",
            fields={"name": [_("Already in the roster.")]},
        )


@transaction.atomic
def person_create(*, company: Organization, by=None, **data) -> Person:
    """Add a person to the company's roster."""
    _require_company(company)
    person = Person(company=company, **{k: v for k, v in data.items() if k in PERSON_FIELDS})
    person.roles = _clean_roles(person.roles)
    _check_person(person)
    person.save()
    event_record(
        type="person.created", organization=company, actor=by, subject=person, payload={"person": person.pk}
    )
    return person


@locked_transaction()
def person_update(*, person: Person, by=None, **data) -> Person:
    if "roles" in data:
        data["roles"] = _clean_roles(data["roles"])
    person, changed = model_update(
        instance=lock(Person, person.pk), fields=PERSON_FIELDS, data=data, check=_check_person
    )
    if changed:
        event_record_update(
            type="person.updated", subject=person, organization=person.company, actor=by, changed=changed
        )
    return person


def _check_crew_name(crew: Crew) -> None:
    if Crew.objects.filter(production_id=crew.production_id, name=crew.name).exclude(pk=crew.pk).exists():
        raise DomainError(
            _("This production already has a crew named %(name)s.") % {"name": crew.name},
            code="duplicate_crew",
            fields={"name": [_("Already used in this production.")]},
        )


@transaction.atomic
def crew_create(*, production: Production, name: str, by=None) -> Crew:
    """A new unit (A组, B组 …) of a production."""
    crew = Crew(production=production, company_id=production.company_id, name=name)
    _check_crew_name(crew)
    crew.save()
    event_record(
        type="crew.created",
        organization=production.company,
        actor=by,
        subject=crew,
        payload={"crew": crew.pk, "name": name, "production": production.pk},
    )
    return crew


@locked_transaction()
def crew_update(*, crew: Crew, name: str, by=None) -> Crew:
    crew = lock(Crew, crew.pk)
    if crew.name != name:
        crew.name = name
        _check_crew_name(crew)
        crew.save(update_fields=["name"])
    return crew


def _check_member(member: CrewMember) -> None:
    if member.ends_on and member.ends_on < member.starts_on:
        raise DomainError(
            _("The end date is before the start date."),
            code="invalid_dates",
            fields={"ends_on": [_("Must be on or after the start date.")]},
        )
    if member.person.company_id != member.crew.company_id:
        raise DomainError(_("This person is not in your roster."), code="invalid_person")
    duplicate = CrewMember.objects.filter(
        crew_id=member.crew_id, person_id=member.person_id, role=member.role
    )
    if duplicate.exclude(pk=member.pk).exists():
        raise DomainError(
            _("%(person)s is already on this crew in this role.") % {"person": member.person.name},
            code="duplicate_member",
            fields={"person": [_("Already on the crew in this role.")]},
        )


@transaction.atomic
def crew_member_add(
    *,
    crew: Crew,
    person: Person,
    role: str,
    starts_on,
    ends_on=None,
    day_rate: Decimal | None = None,
    by=None,
) -> CrewMember:
    """Put a person on a crew in a role; the day rate defaults to the person's."""
    member = CrewMember(
        crew=crew,
        person=person,
        company_id=crew.company_id,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        day_rate=person.day_rate if day_rate is None else day_rate,
    )
    _check_member(member)
    member.save()
    return member


@locked_transaction()
def crew_member_update(*, member: CrewMember, by=None, **data) -> CrewMember:
    member = lock(CrewMember, member.pk, related=("person", "crew"))
    for field in ("role", "starts_on", "ends_on", "day_rate"):
        if field in data:
            setattr(member, field, data[field])
    _check_member(member)
    member.save()
    return member


@transaction.atomic
def crew_member_remove(*, member: CrewMember, by=None) -> None:
    member.delete()
