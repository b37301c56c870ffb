"""Purpose moves here from the decisions app. State only: the table stays where it is
(decisions_purpose) with its rows, its id sequence and the foreign keys that point at it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("decisions", "0009_list_order_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Purpose",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=200, unique=True)),
                        ("hint", models.CharField(blank=True, max_length=300)),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                        ("active", models.BooleanField(default=True)),
                    ],
                    options={
                        "db_table": "decisions_purpose",
                        "ordering": ["position", "name"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
