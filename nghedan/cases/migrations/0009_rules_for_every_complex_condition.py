from django.db import migrations

from nghedan.cases import seed


def add_missing_rules(apps, schema_editor):
    """The rules seeded since 0002 (a complex condition that fell back to the normal rule);
    rows an administrator already made or changed are left as they are."""
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    seed.add_missing_rules(DeadlineRule)


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_count_shards")]

    operations = [migrations.RunPython(add_missing_rules, migrations.RunPython.noop)]
