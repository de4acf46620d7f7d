"""The directory's FTS5 table (SQLite) keeps each bio in the column of its audience and its tags
carry the directory's column filters as tokens, so one FTS5 lookup answers a whole directory
query (see docs/network.md). PostgreSQL's ``search_tags`` gains the same tokens. Rebuilds the
rows of every profile."""

from django.db import migrations

COLUMNS = "base, bio0, bio1, bio2, bio3, bio4, tags"


def rebuild(apps, schema_editor):
    from network.indexing import sync_profiles

    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS network_directory_fts")
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE network_directory_fts USING fts5({COLUMNS}, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
    models = (apps.get_model("network", "MemberProfile"), apps.get_model("network", "DirectoryEntry"))
    sync_profiles(models[0].objects.all(), models=models)


class Migration(migrations.Migration):
    dependencies = [("network", "0003_search_indexes")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
