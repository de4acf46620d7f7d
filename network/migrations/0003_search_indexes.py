"""Full-text indexes for the directory: GIN on the tsvectors (PostgreSQL) or an FTS5 table
(SQLite, rowid = profile id). Then fill the directory table for existing profiles."""

from django.db import migrations

GIN = [
    ("directory_search_base_gin", "search_base"),
    ("directory_search_full_gin", "search_full"),
    ("directory_search_tags_gin", "search_tags"),
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name, column in GIN:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON network_directoryentry USING gin ({column})"
            )
    elif vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS network_directory_fts USING fts5("
            # The layout of 0004 (bio per audience), so that the backfill below, which uses
            # today's network.indexing, writes the columns it expects.
            "base, bio0, bio1, bio2, bio3, bio4, tags, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name, _column in GIN:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS network_directory_fts")


def backfill(apps, schema_editor):
    from network.indexing import sync_profiles

    models = (apps.get_model("network", "MemberProfile"), apps.get_model("network", "DirectoryEntry"))
    sync_profiles(models[0].objects.all(), models=models)


class Migration(migrations.Migration):
    dependencies = [("network", "0002_directory")]

    operations = [
        migrations.RunPython(create, drop),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
