"""Issue 14: one-shot form tokens, the maker-checker windows, the email-duplicate list (the constraint: 0009)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0012_jal_coupon_checks"),
        ("points", "0015_refund_lines"),
    ]

    operations = [
        migrations.CreateModel(
            name="EmailDuplicate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.CharField(max_length=254, verbose_name="email")),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                ("resolved_at", models.DateTimeField(blank=True, null=True, verbose_name="resolved at")),
            ],
            options={
                "verbose_name": "email duplicate",
                "verbose_name_plural": "email duplicates",
                "ordering": ["program", "email", "member"],
            },
        ),
        migrations.CreateModel(
            name="FormSubmission",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=200, unique=True, verbose_name="token")),
                ("path", models.CharField(max_length=300, verbose_name="path")),
                ("location", models.CharField(blank=True, max_length=500, verbose_name="result")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "form submission",
            },
        ),
        migrations.AddField(
            model_name="historicalmember",
            name="email_duplicate",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="A1: recorded when the one-email rule came in; the office resolves it (email duplicates).",
                verbose_name="email shared with another open membership",
            ),
        ),
        migrations.AddField(
            model_name="historicalprogramsettings",
            name="adjustment_member_window_days",
            field=models.PositiveSmallIntegerField(default=30, verbose_name="maker-checker window per member (days)"),
        ),
        migrations.AddField(
            model_name="historicalprogramsettings",
            name="adjustment_requester_window_days",
            field=models.PositiveSmallIntegerField(
                default=1, verbose_name="maker-checker window per requester (business days)"
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="email_duplicate",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="A1: recorded when the one-email rule came in; the office resolves it (email duplicates).",
                verbose_name="email shared with another open membership",
            ),
        ),
        migrations.AddField(
            model_name="programsettings",
            name="adjustment_member_window_days",
            field=models.PositiveSmallIntegerField(default=30, verbose_name="maker-checker window per member (days)"),
        ),
        migrations.AddField(
            model_name="programsettings",
            name="adjustment_requester_window_days",
            field=models.PositiveSmallIntegerField(
                default=1, verbose_name="maker-checker window per requester (business days)"
            ),
        ),
        migrations.AddField(
            model_name="emailduplicate",
            name="member",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="email_duplicates", to="members.member"
            ),
        ),
        migrations.AddField(
            model_name="emailduplicate",
            name="program",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="members.program"
            ),
        ),
        migrations.AddField(
            model_name="emailduplicate",
            name="resolved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="formsubmission",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="emailduplicate",
            constraint=models.UniqueConstraint(fields=("member", "email"), name="email_duplicate_once"),
        ),
        migrations.AddIndex(
            model_name="formsubmission",
            index=models.Index(fields=["created_at"], name="formsubmission_created_idx"),
        ),
    ]
