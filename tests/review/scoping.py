"""Scoping-walker factories for the review routes (contract: see ``tests/test_scoping.py``).

``review-submission`` is ``Scope.PARTICIPANTS``: owned by the production company, also visible to the
review centre it was sent to. ``review-centre`` is ``Scope.ORGANIZATION``: a centre is its own owner,
so the walker must pass a review centre as ``owner`` (other kinds get 403 from the route).
"""

from studio.models import Organization
from tests.factories import ProductionFactory, ReviewSubmissionFactory


def _submission(owner: Organization):
    if owner.kind == Organization.Kind.REVIEW_CENTRE:
        return ReviewSubmissionFactory(centre=owner)
    return ReviewSubmissionFactory(production=ProductionFactory(company=owner))


SCOPING = {
    "review-submission": _submission,
    "review-centre": lambda owner: owner,
}
