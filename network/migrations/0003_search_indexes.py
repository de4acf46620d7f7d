"""GIN indexes on the profile search documents (PostgreSQL only; SQLite scans normalised text)."""

from django.db import migrations

INDEXES = [
    ("profile_search_base_gin", "search_base"),
    ("profile_search_full_gin", "search_full"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON network_memberprofile USING gin ({column})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("network", "0002_directory")]

    operations = [migrations.RunPython(create, drop)]
