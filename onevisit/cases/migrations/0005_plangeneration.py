from django.db import migrations, models


class Migration(migrations.Migration):
    """The intake plans' generation counter; its triggers are installed after every migrate
    (`cases.plans.install_triggers`), since SQLite drops a table's triggers when a later
    migration rebuilds the table."""

    dependencies = [
        ("cases", "0004_material_legal_basis"),
        ("catalog", "0003_material_sharing_basis"),
        ("duties", "0001_initial"),
        ("orgs", "0003_ordering_by_column"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlanGeneration",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "intake plan generation"},
        ),
    ]
