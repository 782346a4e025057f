from django.db import migrations

from nghedan.cases import seed


def add_missing_rows(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    RefusalReason = apps.get_model("cases", "RefusalReason")
    for position, (code, name, description) in enumerate(seed.CATEGORIES):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )
    seed.add_missing_rules(DeadlineRule)
    for code, kind, text, reference in seed.REFUSAL_REASONS:
        RefusalReason.objects.get_or_create(
            code=code, defaults={"kind": kind, "text": text, "legal_reference": reference}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(add_missing_rows, migrations.RunPython.noop)]
