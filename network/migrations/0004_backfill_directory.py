"""Fill the directory's derived columns (listing audience after safety mode, search documents)
for profiles that existed before them. Later writes keep them current (network.services)."""

from django.db import migrations


def backfill(apps, schema_editor):
    from network.services import DERIVED_FIELDS, apply_derived_fields

    MemberProfile = apps.get_model("network", "MemberProfile")
    batch = []
    queryset = MemberProfile.objects.select_related("user__country", "user__party")
    for profile in queryset.iterator(chunk_size=2000):
        apply_derived_fields(member=profile.user, profile=profile)
        batch.append(profile)
        if len(batch) >= 1000:
            MemberProfile.objects.bulk_update(batch, DERIVED_FIELDS)
            batch = []
    if batch:
        MemberProfile.objects.bulk_update(batch, DERIVED_FIELDS)


class Migration(migrations.Migration):
    dependencies = [("network", "0003_search_indexes")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
