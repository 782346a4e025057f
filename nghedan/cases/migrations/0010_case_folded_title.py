"""The folded title that the queue's search matches (filled for the cases already there by
0011). A constant default: adding the column rewrites nothing."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_rules_for_every_complex_condition")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="folded_title",
            field=models.TextField(blank=True, db_default="", editable=False),
        ),
    ]
