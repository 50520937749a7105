"""Issue 15: the staff groups see the new rows (NR3 certificate uses, PT2 endings, PT3 notices and first uses);
office clerks and supervisors decide gift requests (OR1); supervisors announce endings (PT2) and terms (PT3).
Running it again adds what is missing and keeps what the office changed."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CLERK = [
    "rewards.view_certificateuse",
    "points.view_programending",
    "members.view_termsnotice",
    "members.view_termsfirstuse",
    "rewards.change_awardredemption",
]
SUPERVISOR = [*CLERK, "points.add_programending", "points.change_programending", "members.change_termsversion"]
FRONT_DESK = ["rewards.view_certificateuse"]


def grant(apps, schema_editor):
    for label in ("members", "points", "rewards"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, names in (("Office clerk", CLERK), ("Office supervisor", SUPERVISOR), ("Front desk", FRONT_DESK)):
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for full in names:
            app_label, codename = full.split(".")
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_issue15_settings_terms"),
        ("points", "0011_program_endings"),
        ("rewards", "0003_gift_requests"),
        ("members", "0007_office_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
