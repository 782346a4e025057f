"""The folded title of every case already there; Case.save keeps it from now on.

The titles are read in batches by primary key, folded in Python (`nghedan.lib.folding`: the
databases have no such function) and written back with one statement per batch. Not atomic:
each batch commits on its own, so officers' changes to cases wait for one batch at most, not
for the whole table (a million cases take about a minute and a half on PostgreSQL). Only
titles not yet folded are read, so a run that stopped half-way is finished by running
`migrate` again, and cases taken in by the old code while it runs are filled too."""

from django.db import migrations

from nghedan.lib.folding import folded

BATCH = 5000


def fill_folded_titles(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Case._meta.db_table)
    unfilled = Case.objects.filter(folded_title="").order_by("pk")
    last = 0
    while rows := list(unfilled.filter(pk__gt=last).values_list("pk", "title")[:BATCH]):
        last = rows[-1][0]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                values = ", ".join(["(%s::bigint, %s)"] * len(rows))
                cursor.execute(
                    f"UPDATE {table} AS c SET folded_title = v.folded "  # noqa: S608
                    f"FROM (VALUES {values}) AS v(id, folded) WHERE c.id = v.id",
                    [value for pk, title in rows for value in (pk, folded(title))],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET folded_title = %s WHERE id = %s",  # noqa: S608
                    [(folded(title), pk) for pk, title in rows],
                )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0010_case_folded_title")]

    operations = [migrations.RunPython(fill_folded_titles, migrations.RunPython.noop)]
