from django.db import migrations

from nghedan.reception import seed


def add_missing_rows(apps, schema_editor):
    RefusalOfReception = apps.get_model("reception", "RefusalOfReception")
    CrowdRule = apps.get_model("reception", "CrowdRule")
    for position, (code, text, reference) in enumerate(seed.REFUSALS):
        RefusalOfReception.objects.get_or_create(
            code=code, defaults={"text": text, "legal_reference": reference, "position": position}
        )
    for min_people, valid_from, reference in seed.CROWD_RULES:
        CrowdRule.objects.get_or_create(
            valid_from=valid_from,
            defaults={"min_people": min_people, "legal_reference": reference},
        )


class Migration(migrations.Migration):
    dependencies = [("reception", "0001_initial")]

    operations = [migrations.RunPython(add_missing_rows, migrations.RunPython.noop)]
