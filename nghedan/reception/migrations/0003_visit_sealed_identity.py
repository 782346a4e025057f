"""A denouncer guided or refused at a session was named in the log: seal the identity of every
such visit already recorded, as `reception.actions` now does (Luật Tố cáo 2018, Điều 47–48).
As the action does, the ID number is not kept for a denouncer; going back restores the name,
phone and address only."""

from django.db import migrations, models

DENUNCIATION = "denunciation"


def seal_denouncers(apps, schema_editor):
    from nghedan.lib import crypto

    Visit = apps.get_model("reception", "Visit")
    named = Visit.objects.filter(kind=DENUNCIATION).exclude(
        visitor_name="", visitor_phone="", visitor_address="", id_number=""
    )
    for visit in named.iterator():
        identity = {
            "name": visit.visitor_name,
            "phone": visit.visitor_phone,
            "address": visit.visitor_address,
        }
        visit.sealed_identity = crypto.seal(identity) if any(identity.values()) else ""
        visit.visitor_name = visit.visitor_phone = visit.visitor_address = visit.id_number = ""
        visit.save(
            update_fields=[
                "sealed_identity",
                "visitor_name",
                "visitor_phone",
                "visitor_address",
                "id_number",
            ]
        )


def unseal_denouncers(apps, schema_editor):
    from nghedan.lib import crypto

    Visit = apps.get_model("reception", "Visit")
    for visit in Visit.objects.exclude(sealed_identity="").iterator():
        identity = crypto.unseal(visit.sealed_identity)
        visit.visitor_name = identity.get("name", "")
        visit.visitor_phone = identity.get("phone", "")
        visit.visitor_address = identity.get("address", "")
        visit.sealed_identity = ""
        visit.save(
            update_fields=["sealed_identity", "visitor_name", "visitor_phone", "visitor_address"]
        )


class Migration(migrations.Migration):
    dependencies = [("reception", "0002_seed_rules")]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="sealed_identity",
            field=models.TextField(blank=True, verbose_name="danh tính người tố cáo (đã mã hóa)"),
        ),
        migrations.RunPython(seal_denouncers, unseal_denouncers),
    ]
