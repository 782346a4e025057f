from django.db import migrations

from nghedan.cases import seed


def add_missing_rules(apps, schema_editor):
    """The rules seeded since 0002 (a complex condition that fell back to the normal rule);
    rows an administrator already made or changed are left as they are."""
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    for kind, stage, condition, days, basis, extensions, extension_days, reference in (
        seed.DEADLINE_RULES
    ):
        DeadlineRule.objects.get_or_create(
            kind=kind, stage=stage, condition=condition,
            defaults={"days": days, "basis": basis, "max_extensions": extensions,
                      "extension_days": extension_days, "legal_reference": reference},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_count_shards")]

    operations = [migrations.RunPython(add_missing_rules, migrations.RunPython.noop)]
