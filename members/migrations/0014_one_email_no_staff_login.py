"""Issue 14, A1: one open membership per email (any case) and program, and no staff login linked to a member.

* Open memberships that already share an email are not a reason to fail: every one of them but the oldest is
  flagged (``email_duplicate``) and listed in ``EmailDuplicate`` for the office; the partial unique index leaves
  flagged rows out, so it holds for every other row from now on.
* PostgreSQL triggers (SQLite skips them, as 0003 of points does): a member's login is never a staff or superuser
  login, and a login linked to a member never becomes staff.
"""

import django.db.models.functions.text
from django.contrib.auth.management import create_permissions
from django.db import migrations, models
from django.db.models.functions import Lower

FORWARD = """
CREATE OR REPLACE FUNCTION members_member_login_not_staff() RETURNS trigger AS $$
BEGIN
    IF NEW.user_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM members_user u WHERE u.id = NEW.user_id AND (u.is_staff OR u.is_superuser)
    ) THEN
        RAISE EXCEPTION 'a staff login cannot be linked to member % (issue 14, A1)', NEW.number
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER members_member_login_not_staff
    BEFORE INSERT OR UPDATE OF user_id ON members_member
    FOR EACH ROW EXECUTE FUNCTION members_member_login_not_staff();

CREATE OR REPLACE FUNCTION members_user_member_not_staff() RETURNS trigger AS $$
BEGIN
    IF (NEW.is_staff OR NEW.is_superuser) AND EXISTS (SELECT 1 FROM members_member m WHERE m.user_id = NEW.id) THEN
        RAISE EXCEPTION 'login % belongs to a member: it cannot be staff (issue 14, A1)', NEW.username
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER members_user_member_not_staff
    BEFORE UPDATE OF is_staff, is_superuser ON members_user
    FOR EACH ROW EXECUTE FUNCTION members_user_member_not_staff();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS members_member_login_not_staff ON members_member;
DROP TRIGGER IF EXISTS members_user_member_not_staff ON members_user;
DROP FUNCTION IF EXISTS members_member_login_not_staff();
DROP FUNCTION IF EXISTS members_user_member_not_staff();
"""


def record_duplicates(apps, schema_editor):
    """Flag and list every open membership sharing an email (any case) with an older one of its program."""
    Member = apps.get_model("members", "Member")
    EmailDuplicate = apps.get_model("members", "EmailDuplicate")
    seen: dict[tuple[int, str], int] = {}
    rows = (
        Member.objects.filter(closed_on__isnull=True)
        .exclude(email="")
        .annotate(key=Lower("email"))
        .order_by("program_id", "key", "id")
        .values_list("id", "program_id", "key", "email")
    )
    for member_id, program_id, key, _email in rows.iterator():
        first = seen.setdefault((program_id, key), member_id)
        if first == member_id:
            continue
        Member.objects.filter(pk=member_id).update(email_duplicate=True)
        for flagged in (first, member_id):
            EmailDuplicate.objects.get_or_create(
                member_id=flagged, email=Member.objects.get(pk=flagged).email, defaults={"program_id": program_id}
            )


def office_permissions(apps, schema_editor):
    """The office groups see the email duplicates; the supervisors resolve them."""
    app_config = apps.get_app_config("members")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(content_type__app_label="members", codename="view_emailduplicate")
    change = Permission.objects.filter(content_type__app_label="members", codename="change_emailduplicate")
    for group in Group.objects.filter(name__in=["Office clerk", "Office supervisor"]):
        group.permissions.add(*view)
    for group in Group.objects.filter(name="Office supervisor"):
        group.permissions.add(*change)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("members", "0013_identity_and_one_shot")]

    operations = [
        migrations.RunPython(record_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="member",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                models.F("program"),
                condition=models.Q(
                    ("closed_on__isnull", True), ("email_duplicate", False), models.Q(("email", ""), _negated=True)
                ),
                name="member_one_open_per_email",
            ),
        ),
        migrations.RunPython(forward, backward),
        migrations.RunPython(office_permissions, migrations.RunPython.noop),
    ]
