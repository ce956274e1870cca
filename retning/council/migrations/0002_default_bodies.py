from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from retning.council.defaults import DEFAULT_BODIES


def create_bodies(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Body = apps.get_model("council", "Body")
    for defaults in DEFAULT_BODIES:
        Body.objects.get_or_create(
            short_name=defaults["short_name"],
            defaults={key: value for key, value in defaults.items() if key != "short_name"},
        )


class Migration(migrations.Migration):
    dependencies = [("council", "0001_initial")]

    operations = [migrations.RunPython(create_bodies, migrations.RunPython.noop)]
