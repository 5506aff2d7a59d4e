from django.db import migrations

from onevisit.cases.sequence import CREATE_SQL, DROP_SQL


def create(apps, schema_editor):
    schema_editor.execute(CREATE_SQL[schema_editor.connection.vendor])


def drop(apps, schema_editor):
    schema_editor.execute(DROP_SQL[schema_editor.connection.vendor])


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
