from django.db import migrations, models

# PostgreSQL numbers entries from a sequence, which never waits on another writer; the next
# number follows the last one written so far. SQLite has one writer at a time and counts on
# its single lane's head (see audit.chain).
NUMBERING = "audit_entry_seq"
LANES = 8  # audit.chain.LANES when this migration was written


def open_lanes(apps, schema_editor):
    """A database with entries already has lane 1's head; the other lanes start empty."""
    head = apps.get_model("audit", "AuditHead")
    if head.objects.exists():
        head.objects.bulk_create(
            [head(pk=lane) for lane in range(2, LANES + 1)], ignore_conflicts=True
        )


def create_numbering(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {NUMBERING} AS bigint")
    schema_editor.execute(
        f"SELECT setval('{NUMBERING}', GREATEST("
        "(SELECT COALESCE(max(seq), 0) FROM audit_auditentry), "
        "(SELECT COALESCE(max(seq), 0) FROM audit_audithead)) + 1, false)"
    )


def drop_numbering(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {NUMBERING}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="lane",
            field=models.PositiveSmallIntegerField(db_default=1, default=1, verbose_name="nhánh"),
        ),
        migrations.RunPython(create_numbering, drop_numbering),
        migrations.RunPython(open_lanes, migrations.RunPython.noop),
    ]
