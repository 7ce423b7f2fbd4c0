"""A GIN index for the tag filter (``tags @> '["悬疑"]'``) on PostgreSQL; SQLite scans, which is fine there."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS locations_set_tags_gin ON locations_set USING gin (tags jsonb_path_ops)"
)
DROP = "DROP INDEX IF EXISTS locations_set_tags_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("locations", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
