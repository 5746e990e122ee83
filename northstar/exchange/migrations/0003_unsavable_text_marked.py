"""Text saved before control characters were refused (`workspaces.errors.UNSAVABLE`) would block every later save
of its row and cannot go into a workbook: each such character becomes U+FFFD, the mark for a character that could
not be kept. Only rows that hold one are read (a regular-expression filter per text column) and written."""

import re

from django.db import migrations, models

APPS = ("workspaces", "okrs", "roadmap", "insights", "exchange", "integrations")


def mark_unsavable_text(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    found = r"[\x01-\x08\x0b\x0c\x0e-\x1f]" if postgres else r"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # no NUL in PostgreSQL
    unsavable = re.compile(found)
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            columns = [f for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
            for field in columns:
                rows = model._base_manager.filter(**{f"{field.attname}__regex": found})
                for pk, value in rows.values_list("pk", field.attname):
                    model._base_manager.filter(pk=pk).update(**{field.attname: unsavable.sub("\ufffd", value)})


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0002_import_in_background"),
        ("workspaces", "0013_key_result_change_reshaped"),
        ("okrs", "0006_key_result_counts"),
        ("roadmap", "0004_position_indexes"),
        ("insights", "0002_reminder_runs"),
        ("integrations", "0001_initial"),
    ]

    operations = [migrations.RunPython(mark_unsavable_text, migrations.RunPython.noop)]
