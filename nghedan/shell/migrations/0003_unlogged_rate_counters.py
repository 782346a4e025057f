"""Rate counters live in an unlogged table on PostgreSQL: no write-ahead log for each count.

A counter is worth less than the WAL flush that each public submission's upserts cost: after a
crash the server empties an unlogged table, which only forgets the current windows' counts.
SQLite has no such table kind and is left as it is."""

from django.db import migrations

TABLE = "shell_ratecounter"


def set_logging(logged: bool):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            mode = "LOGGED" if logged else "UNLOGGED"
            schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(TABLE)} SET {mode}")

    return run


class Migration(migrations.Migration):
    dependencies = [("shell", "0002_counters_and_versions")]

    operations = [migrations.RunPython(set_logging(False), set_logging(True), elidable=False)]
