"""Fill what 0004 added for the cases already there: each case's earliest running due date,
and the counts per organization and day."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    from nghedan.cases import counts

    Case = apps.get_model("cases", "Case")
    CaseDeadline = apps.get_model("cases", "CaseDeadline")
    CaseCount = apps.get_model("cases", "CaseCount")
    running = CaseDeadline.objects.filter(case=OuterRef("pk"), met_on__isnull=True)
    Case.objects.filter(deadlines__met_on__isnull=True).update(
        open_due=Subquery(running.order_by("due_on").values("due_on")[:1])
    )
    tables = counts.Models(case=Case, deadline=CaseDeadline, count=CaseCount)
    for organization_id in Case.objects.values_list("organization_id", flat=True).distinct():
        counts.rebuild(organization_id, tables)


def empty(apps, schema_editor):
    apps.get_model("cases", "CaseCount").objects.all().delete()
    apps.get_model("cases", "Case").objects.update(open_due=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_kept_due_dates_and_counts")]

    operations = [migrations.RunPython(fill, empty)]
