"""The review models leave the studio app for their own app (``review``), their tables staying as they are.

State only: ``review.0001_initial`` takes the same models over, with ``db_table`` set to these tables, so
no table is created, renamed, dropped or copied.
"""

from django.db import migrations

#: Dependents first: a model leaves the state after every model whose foreign keys point at it.
REVIEW_MODELS = [
    "Finding",
    "SubmissionHistory",
    "SubmissionEpisode",
    "SubmissionDocument",
    "ReviewSubmission",
    "FilingCounter",
    "HolidayOverride",
    "ReviewCentreProfile",
    "TierRule",
]


class Migration(migrations.Migration):
    dependencies = [("studio", "0003_seed_tier_rules")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in REVIEW_MODELS],
            database_operations=[],
        )
    ]
