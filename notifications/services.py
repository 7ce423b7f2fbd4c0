"""Recording domain events and fanning them out into the outbox (placeholder until the outbox lands)."""

from collections.abc import Iterable


def event_record(
    *,
    type: str,  # noqa: A002
    organization,
    payload: dict,
    actor=None,
    subject=None,
    audience: Iterable = (),
    emails: Iterable[str] = (),
):
    return None
