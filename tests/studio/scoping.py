"""Scoping-walker factories for the studio routes (contract: see ``tests/test_scoping.py``)."""

from tests.factories import ProductionFactory

SCOPING = {
    # An organisation is owned by itself.
    "organization": lambda owner: owner,
    "production": lambda owner: ProductionFactory(company=owner),
}
