from django.db import migrations

#: The tables that carried the generation's triggers (installed after migrate by 0005's
#: era of `cases.plans`).
WATCHED = [
    "catalog_serviceitem",
    "catalog_serviceitemversion",
    "catalog_material",
    "catalog_bundle",
    "catalog_bundleitem",
    "duties_dutyassignment",
    "orgs_organization",
]


def drop_triggers(apps, schema_editor):
    """The triggers go before their table, or every write to a watched table would fail."""
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in WATCHED:
            if table not in existing:
                continue
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS cases_plan_generation ON {qn(table)}")
            elif connection.vendor == "sqlite":
                for event in ("insert", "update", "delete"):
                    name = qn(f"cases_plan_generation_{table}_{event}")
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS cases_plan_generation_move()")


class Migration(migrations.Migration):
    """Intake plans no longer keep a generation (see cases.plans): its triggers and table
    go."""

    dependencies = [
        ("cases", "0006_prefix_covered_indexes"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.DeleteModel(name="PlanGeneration"),
    ]
