"""Schemathesis failures that are not bugs, each with its reason (tests/test_schemathesis.py ignores
exactly these and nothing else).

An entry matches a failure by check name, and optionally by operation (``"METHOD /path/{id}/"`` as the
schema spells it; ``None`` for any) and by response status. Keep the list short: every entry is a place
where the schema cannot say everything the server does, so each must say why.
"""

from typing import NamedTuple


class Excused(NamedTuple):
    check: str
    operation: str | None
    status: int | None
    reason: str
    #: if given, every "violates" line of the failure must contain one of these
    violations: tuple[str, ...] = ()


EXCEPTIONS = [
    Excused(
        "negative_data_rejection",
        None,
        None,
        "Unknown query parameters are ignored, not refused (links carry tracking parameters such as "
        "utm_source); unknown body fields are refused and the request schemas say additionalProperties: "
        "false. X-Organization: the test replaces a generated X-Organization by the acting organisation "
        "(every request must act for the seeded one), so its mutation never reaches the server.",
        ("query: violates `additionalProperties`", "X-Organization"),
    ),
    Excused(
        "negative_data_rejection",
        None,
        200,
        "An empty filter value (?created_before=) means no filter, as django-filter reads a form whose "
        "field was left blank; it violates the parameter's format only because the format has no empty "
        "form.",
        ("in query - violates `format`",),
    ),
    Excused(
        "negative_data_rejection",
        None,
        200,
        "The same for a choice filter left blank (?set_kind=): an empty value means no filter; the schema "
        "lists the choices only, and every value outside them is refused with 400 naming the parameter "
        "(tests/crews/test_api.py).",
        ("violates `enum`",),
    ),
    Excused(
        "positive_data_acceptance",
        None,
        409,
        "Schema-valid input that conflicts with the current state (an overlapping booking, a transition "
        "the object's status does not allow) is a documented 409.",
    ),
    Excused(
        "positive_data_acceptance",
        None,
        400,
        "Rules across fields or against stored rows (ends after starts, within the booking horizon, "
        "available_from with available_to, an id of a row the caller may use, a name already used) are "
        "not expressible in OpenAPI; the 400 names the field.",
    ),
    Excused(
        "positive_data_acceptance",
        None,
        422,
        "A reused Idempotency-Key with a different body is refused with 422, as documented: generated "
        "examples reuse keys.",
    ),
    Excused(
        "positive_data_acceptance",
        None,
        403,
        "The acting organisation's kind or role does not allow the operation (a production company "
        "cannot edit sets, an operator cannot book); documented 403.",
    ),
]


def excused(check: str, operation: str, status: int, text: str = "") -> str | None:
    """The reason a failure of ``check`` on ``operation`` answering ``status`` (described by ``text``) is
    expected, or None."""
    violations = [line for line in text.splitlines() if "violates" in line]
    for entry in EXCEPTIONS:
        if entry.check != check or entry.operation not in (None, operation):
            continue
        if entry.status not in (None, status):
            continue
        if entry.violations and not (
            violations and all(any(allowed in line for allowed in entry.violations) for line in violations)
        ):
            continue
        return entry.reason
    return None
