"""Lapses (J2/J3) are one ``expire`` entry per member and run date; each lot records what lapsed from it.

Entries written before, one per lapsed lot (``lot`` set), stay as they are (the ledger is append-only); their lots
get ``lapsed``/``lapsed_on`` from them so every lot explains itself the same way.
"""

import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


def backfill_lapses(apps, schema_editor):
    LedgerEntry = apps.get_model("points", "LedgerEntry")
    PointLot = apps.get_model("points", "PointLot")
    lapses = LedgerEntry.objects.filter(kind="expire", lot=models.OuterRef("pk"))
    PointLot.objects.filter(pk__in=LedgerEntry.objects.filter(kind="expire", lot__isnull=False).values("lot")).update(
        lapsed=models.Subquery(lapses.values(points_=-models.F("points"))[:1]),
        lapsed_on=models.Subquery(lapses.values("effective_on")[:1]),
    )


def balance_room(apps, schema_editor):
    # The yearly expiry updates most balance rows at once: half of each page free keeps every update in place
    # (HOT); at 80 more than half of them moved to other pages and touched the index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE points_memberbalance SET (fillfactor = 50)")


def balance_room_back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE points_memberbalance SET (fillfactor = 80)")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_office_permissions"),
        ("points", "0008_balance_fillfactor"),
        ("rewards", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="ledgerentry",
            name="entry_lot_expired_once",
        ),
        migrations.RemoveConstraint(
            model_name="pointlot",
            name="lot_credit_or_debt",
        ),
        migrations.AddField(
            model_name="pointlot",
            name="lapsed",
            field=models.IntegerField(
                db_default=0, default=0, help_text="Points that expired unused (EX1, EX2).", verbose_name="lapsed"
            ),
        ),
        migrations.AddField(
            model_name="pointlot",
            name="lapsed_on",
            field=models.DateField(blank=True, null=True, verbose_name="lapsed on"),
        ),
        migrations.RunPython(backfill_lapses, migrations.RunPython.noop),
        migrations.RunPython(balance_room, balance_room_back),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "expire"), ("lot__isnull", True)),
                fields=("member", "effective_on"),
                name="entry_member_lapse_once_per_date",
            ),
        ),
        migrations.AddConstraint(
            model_name="pointlot",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("expires_on__isnull", False),
                        ("lapsed__gte", 0),
                        ("points__gt", 0),
                        ("remaining__gte", 0),
                        (
                            "remaining__lte",
                            django.db.models.expressions.CombinedExpression(
                                models.F("points"), "-", models.F("lapsed")
                            ),
                        ),
                    ),
                    models.Q(
                        ("expires_on__isnull", True),
                        ("lapsed", 0),
                        ("points__lt", 0),
                        ("remaining__gte", models.F("points")),
                        ("remaining__lte", 0),
                        ("state", "posted"),
                    ),
                    _connector="OR",
                ),
                name="lot_credit_or_debt",
            ),
        ),
        migrations.AddConstraint(
            model_name="pointlot",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("lapsed", 0), ("lapsed_on__isnull", True)),
                    models.Q(("lapsed__gt", 0), ("lapsed_on__isnull", False)),
                    _connector="OR",
                ),
                name="lot_lapse_dated",
            ),
        ),
    ]
