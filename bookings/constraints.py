"""The no-double-booking invariant as a PostgreSQL exclusion constraint that other databases skip.

``NoOverlapConstraint`` is Django's ``ExclusionConstraint`` (btree_gist: ``set`` with ``=``, the blocked
period as a ``tstzrange`` with ``&&``) that emits no SQL and validates nothing on a database without
exclusion constraints (the embedded SQLite, whose writers are serialised instead). Keeping it on the
model means migrations and ``makemigrations --check`` agree on both databases.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db.models import Func


class TsTzRange(Func):
    """``TSTZRANGE(lower, upper, '[)')``: a half-open period of two datetime columns."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()

    def __init__(self, lower, upper, bounds=None, **extra):
        super().__init__(lower, upper, bounds or RangeBoundary(), **extra)


def _is_postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class NoOverlapConstraint(ExclusionConstraint):
    """An exclusion constraint on PostgreSQL; nothing elsewhere."""

    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if _is_postgresql(schema_editor) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if _is_postgresql(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if _is_postgresql(schema_editor) else None

    def validate(self, model, instance, exclude=None, using="default"):
        from django.db import connections

        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)


def no_overlap(*, name: str, key: str, lower: str, upper: str, **kwargs) -> NoOverlapConstraint:
    """Rows with the same ``key`` never hold overlapping ``[lower, upper)`` periods."""
    return NoOverlapConstraint(
        name=name,
        expressions=[(key, RangeOperators.EQUAL), (TsTzRange(lower, upper), RangeOperators.OVERLAPS)],
        **kwargs,
    )
