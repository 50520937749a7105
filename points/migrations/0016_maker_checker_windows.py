"""Issue 14, maker-checker that counts: the business date an adjustment was asked on (past ones: the Tokyo date
of their creation) and why it waits for a supervisor."""

from django.conf import settings
from django.db import migrations, models


def backfill_requested_on(apps, schema_editor):
    from django.utils import timezone

    Adjustment = apps.get_model("points", "Adjustment")
    for pk, created_at in Adjustment.objects.filter(requested_on__isnull=True).values_list("id", "created_at"):
        Adjustment.objects.filter(pk=pk).update(requested_on=timezone.localdate(created_at))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0013_identity_and_one_shot"),
        ("points", "0015_refund_lines"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="adjustment",
            name="approval_reason",
            field=models.TextField(blank=True, verbose_name="why it needs approval"),
        ),
        migrations.AddField(
            model_name="adjustment",
            name="requested_on",
            field=models.DateField(blank=True, null=True, verbose_name="requested on"),
        ),
        migrations.AddField(
            model_name="historicaladjustment",
            name="approval_reason",
            field=models.TextField(blank=True, verbose_name="why it needs approval"),
        ),
        migrations.AddField(
            model_name="historicaladjustment",
            name="requested_on",
            field=models.DateField(blank=True, null=True, verbose_name="requested on"),
        ),
        migrations.AddIndex(
            model_name="adjustment",
            index=models.Index(fields=["requested_by", "requested_on"], name="adjustment_requester_idx"),
        ),
        migrations.AddIndex(
            model_name="adjustment",
            index=models.Index(fields=["member", "requested_on"], name="adjustment_member_window_idx"),
        ),
        migrations.RunPython(backfill_requested_on, migrations.RunPython.noop),
    ]
