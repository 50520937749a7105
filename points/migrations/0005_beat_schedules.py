"""The Default schedule of the jobs (RULEBOOK section 12), stored in the database by django-celery-beat: visible and
editable in the admin (Periodic tasks)."""

import json

from django.db import migrations

TZ = "Asia/Tokyo"
SCHEDULES = [
    # (name, task, kwargs, minute, hour, day_of_month, month_of_year)
    ("J1 post pending points (daily)", "points.post_points", {}, "0", "3", "*", "*"),
    ("J2 One Harmony expiry (February 1)", "points.expire_points", {"program": "one-harmony"}, "0", "2", "1", "2"),
    ("J3 New Otani expiry (October 1)", "points.expire_points", {"program": "new-otani"}, "0", "2", "1", "10"),
    ("J4 status qualification (January 15)", "points.qualify_status", {"program": "one-harmony"}, "0", "4", "15", "1"),
    ("J4 status qualification (April 1)", "points.qualify_status", {"program": "one-harmony"}, "0", "1", "1", "4"),
    ("Expiry reminders (daily)", "points.send_expiry_reminders", {}, "0", "9", "*", "*"),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, kwargs, minute, hour, day, month in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=day, month_of_year=month, day_of_week="*", timezone=TZ
        )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "kwargs": json.dumps(kwargs), "enabled": True}
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0004_expiry_reminder"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
