"""The staff groups of the back office, with their permissions. Staff see only their program's rows (the admin's
staff scope: ``User.programs`` for an office, ``User.hotel`` for a front desk); the group says what they may do.

* Office clerk: sees everything of members, points and rewards; changes members and cards (M7, M4, M5), enrolls
  at the office (M3), records adjustments (A5 claims) and qualification credits.
* Office supervisor: a clerk who also decides adjustments, changes the program settings (PT1: every Default is a
  setting the office changes) and the Reward Certificates (NR3).
* Front desk: sees members, cards, bills and certificates; hands certificates over (NR2).

Running it again adds what is missing and keeps permissions the office added since.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ("members", "points", "rewards")
NOT_FOR_CLERKS = {"view_user"}  # logins and staff accounts are the superuser's business

CLERK_EXTRA = [
    "members.add_member",
    "members.change_member",
    "members.change_card",
    "points.add_adjustment",
    "points.add_qualificationcredit",
    "points.change_qualificationcredit",
]
SUPERVISOR_EXTRA = [
    "points.change_adjustment",
    "members.add_programsettings",
    "members.change_programsettings",
    "rewards.change_certificate",
]
FRONT_DESK = [
    "members.view_member",
    "members.view_card",
    "points.view_bill",
    "rewards.view_certificate",
    "rewards.change_certificate",
]


def _permissions(apps, names):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    return found


def create_groups(apps, schema_editor):
    # Permissions are made after migrate (post_migrate): make sure they exist now, on a fresh database too.
    for label in APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view_all = list(
        Permission.objects.filter(content_type__app_label__in=APPS, codename__startswith="view_").exclude(
            codename__in=NOT_FOR_CLERKS
        )
    )
    clerk = view_all + _permissions(apps, CLERK_EXTRA)
    supervisor = clerk + _permissions(apps, SUPERVISOR_EXTRA)
    for name, permissions in (
        ("Office clerk", clerk),
        ("Office supervisor", supervisor),
        ("Front desk", _permissions(apps, FRONT_DESK)),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Office clerk", "Office supervisor", "Front desk"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_programs"),
        ("points", "0003_ledger_guards"),
        ("rewards", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
