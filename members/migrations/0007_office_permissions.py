"""The office groups decide claims (A5) and name change requests (M7): those models came after the groups (0004).

Office clerk and Office supervisor: view and change claims and name change requests (a claim's points still go
through the maker-checker adjustment). Running it again adds what is missing.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICE = [
    "points.view_claim",
    "points.change_claim",
    "members.view_namechangerequest",
    "members.change_namechangerequest",
]


def add_permissions(apps, schema_editor):
    for label in ("members", "points"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    found = []
    for name in OFFICE:
        app_label, codename = name.split(".")
        found.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    for group in Group.objects.filter(name__in=["Office clerk", "Office supervisor"]):
        group.permissions.add(*found)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_point_value"),
        ("points", "0007_claims_and_requests"),
    ]

    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
