"""The point ledger: entries, lots, lot consumptions and the balance row.

The ledger (rule IDs NE7, EX1-EX5, R1):

* ``LedgerEntry`` is append-only (a PostgreSQL trigger refuses UPDATE and DELETE). Each entry carries two signed
  deltas: ``points`` on the posted balance and ``pending`` on the pending balance. ``earn`` adds pending points,
  ``post`` moves them to the posted balance, debits (``redeem``, ``transfer_out``, ``expire``, ``forfeit``,
  ``retract``, negative ``adjust``) take them away.
* ``PointLot`` is a credit (or, after a retraction that found too little, a debt) with its date of use and expiry
  date. Debits consume posted lots soonest-expiring first (EX4) and record each ``LotConsumption``.
* ``MemberBalance`` is the O(1) balance row, changed in the same transaction as the entries. It always equals the
  sum of the entries and the sum of the lots' remaining points.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .bills import Bill, BillRefund
from .jobs import JobRun
from .office import Adjustment


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    BONUS = "bonus", _("Status bonus")
    POST = "post", _("Posted")
    REDEEM = "redeem", _("Redeemed")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    RETRACT = "retract", _("Retracted")
    EXPIRE = "expire", _("Expired")
    FORFEIT = "forfeit", _("Forfeited")
    ADJUST = "adjust", _("Adjustment")
    MIGRATE = "migrate", _("Migrated")


DEBIT_KINDS = ("redeem", "transfer_out", "expire")


class LedgerEntry(models.Model):
    """One append-only movement of points. ``points``: change of the posted balance; ``pending``: of pending."""

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        db_index=False,
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    points = models.IntegerField(_("posted points"), default=0)
    pending = models.IntegerField(_("pending points"), default=0)
    used_on = models.DateField(_("date of use"))
    effective_on = models.DateField(_("effective on"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    qualifying_points = models.IntegerField(_("qualifying points"), default=0, help_text=_("ST2"))
    reason = models.CharField(_("rule or reason"), max_length=300, blank=True)
    # What caused it (at most a few are set).
    bill = models.ForeignKey(
        Bill,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
        verbose_name=_("bill"),
    )
    refund = models.ForeignKey(
        BillRefund,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
        verbose_name=_("refund"),
    )
    lot = models.ForeignKey(
        "PointLot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("lot"),
    )
    # The run that wrote the entry (J1-J3). No database foreign-key check: the yearly expiry writes a million such
    # entries in one transaction and the check (a lookup and a row lock each) cost seconds of it. Integrity holds
    # otherwise: a run is created before its entries, and job runs are never deleted (a PostgreSQL trigger refuses
    # it, points/migrations/0010; no delete in the admin).
    job_run = models.ForeignKey(
        JobRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
        db_constraint=False,
        verbose_name=_("job run"),
    )
    adjustment = models.ForeignKey(
        Adjustment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
        verbose_name=_("adjustment"),
    )
    certificate_request = models.ForeignKey(
        "rewards.CertificateRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
        verbose_name=_("certificate request"),
    )
    award_redemption = models.ForeignKey(
        "rewards.AwardRedemption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
        verbose_name=_("award redemption"),
    )
    transfer = models.ForeignKey(
        "rewards.Transfer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
        verbose_name=_("transfer"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff user"),
    )

    class Meta:
        ordering = ["member", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        # Few indexes, most of them partial: every entry written maintains each of them, and the yearly expiry
        # writes a million entries (PERFORMANCE.md). Causes are mostly NULL, so their indexes skip NULLs.
        indexes = [
            models.Index(fields=["member", "-effective_on", "-id"], name="entry_member_idx"),
            models.Index(fields=["bill"], name="entry_bill_idx", condition=Q(bill__isnull=False)),
            models.Index(fields=["job_run"], name="entry_job_run_idx", condition=Q(job_run__isnull=False)),
            models.Index(fields=["created_by"], name="entry_staff_idx", condition=Q(created_by__isnull=False)),
        ]
        constraints = [
            # Signs by kind: the database refuses an entry that moves points the wrong way.
            models.CheckConstraint(
                name="entry_signs_by_kind",
                condition=(
                    Q(kind__in=["earn", "bonus"], points=0, pending__gt=0)
                    | Q(kind="post", points__gt=0, pending=-F("points"))
                    | Q(kind__in=["redeem", "transfer_out", "expire"], points__lt=0, pending=0)
                    | Q(kind__in=["transfer_in", "migrate"], points__gt=0, pending=0)
                    | Q(kind__in=["retract", "forfeit"], points__lte=0, pending__lte=0)
                    & (Q(points__lt=0) | Q(pending__lt=0))
                    | Q(kind="adjust", pending=0) & ~Q(points=0)
                ),
            ),
            # Idempotency: each cause moves points once.
            models.UniqueConstraint(
                fields=["bill", "kind"], condition=Q(kind__in=["earn", "bonus"]), name="entry_bill_awarded_once"
            ),
            models.UniqueConstraint(fields=["lot"], condition=Q(kind="post"), name="entry_lot_posted_once"),
            # A member's points lapse in one entry per run date (J2/J3); its lots say what lapsed from each.
            # (Entries naming one lot, ``lot`` set, were how lapses were written before: they stay valid.)
            models.UniqueConstraint(
                fields=["member", "effective_on"],
                condition=Q(kind="expire", lot__isnull=True),
                name="entry_member_lapse_once_per_date",
            ),
            models.UniqueConstraint(fields=["refund"], condition=Q(refund__isnull=False), name="entry_refund_once"),
            models.UniqueConstraint(
                fields=["adjustment"], condition=Q(adjustment__isnull=False), name="entry_adjustment_once"
            ),
            models.UniqueConstraint(
                fields=["certificate_request"],
                condition=Q(certificate_request__isnull=False),
                name="entry_certificate_request_once",
            ),
            models.UniqueConstraint(
                fields=["award_redemption"],
                condition=Q(award_redemption__isnull=False),
                name="entry_award_redemption_once",
            ),
            models.UniqueConstraint(
                fields=["transfer", "kind"], condition=Q(transfer__isnull=False), name="entry_transfer_side_once"
            ),
            models.UniqueConstraint(fields=["member"], condition=Q(kind="forfeit"), name="entry_forfeit_once"),
        ]

    def __str__(self) -> str:
        return _("%(date)s %(kind)s: %(points)s posted, %(pending)s pending") % {
            "kind": self.get_kind_display(),
            "date": self.effective_on,
            "points": f"{self.points:+,}",
            "pending": f"{self.pending:+,}",
        }


class PointLot(models.Model):
    """Credited points with one date of use and one expiry date (EX1-EX3), or a debt (EX5) from a retraction.

    ``remaining`` is what is left of it. Of a credit lot, ``points`` is always explained by its consumptions
    (debits taking from it, EX4), what ``lapsed`` from it on ``lapsed_on`` (the expiry run, EX1/EX2: the member's
    ``expire`` entry of that date is the sum of the member's lots lapsed on it) and what ``remaining``.
    The jobs update only ``state``, ``remaining``, ``lapsed`` and ``lapsed_on``; no index covers the last three, so
    the yearly expiry's UPDATE is a HOT update (the table keeps free space: fillfactor 70 on PostgreSQL).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        POSTED = "posted", _("Posted")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="lots", db_index=False, verbose_name=_("member")
    )
    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="lots", verbose_name=_("entry"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices)
    points = models.IntegerField(_("points"))
    remaining = models.IntegerField(_("remaining"))
    used_on = models.DateField(_("date of use"))
    posts_on = models.DateField(_("posts on"))
    expires_on = models.DateField(_("valid through"), null=True, blank=True, help_text=_("Empty: a debt (EX5)."))
    lapsed = models.IntegerField(
        _("lapsed"), default=0, db_default=0, help_text=_("Points that expired unused (EX1, EX2).")
    )
    lapsed_on = models.DateField(_("lapsed on"), null=True, blank=True)

    class Meta:
        ordering = ["member", "expires_on", "id"]
        verbose_name = _("point lot")
        verbose_name_plural = _("point lots")
        indexes = [
            models.Index(fields=["member", "expires_on"], name="lot_member_expiry_idx"),
            models.Index(fields=["posts_on"], name="lot_posts_on_idx", condition=Q(state="pending")),
            models.Index(fields=["expires_on"], name="lot_expires_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="lot_credit_or_debt",
                condition=(
                    Q(
                        points__gt=0,
                        remaining__gte=0,
                        lapsed__gte=0,
                        remaining__lte=F("points") - F("lapsed"),
                        expires_on__isnull=False,
                    )
                    | Q(
                        points__lt=0,
                        remaining__lte=0,
                        remaining__gte=F("points"),
                        lapsed=0,
                        expires_on__isnull=True,
                        state="posted",
                    )
                ),
            ),
            models.CheckConstraint(
                name="lot_lapse_dated",
                condition=Q(lapsed=0, lapsed_on__isnull=True) | Q(lapsed__gt=0, lapsed_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        if self.expires_on is None:
            return _("%(points)s points, %(remaining)s left") % {
                "points": f"{self.points:,}",
                "remaining": f"{self.remaining:,}",
            }
        return _("%(points)s points, %(remaining)s left, valid through %(date)s") % {
            "points": f"{self.points:,}",
            "remaining": f"{self.remaining:,}",
            "date": self.expires_on,
        }


class LotConsumption(models.Model):
    """``points`` taken from ``lot`` by ``entry`` (a debit), or used by a new credit to pay off a debt lot."""

    entry = models.ForeignKey(
        LedgerEntry, on_delete=models.PROTECT, related_name="consumptions", verbose_name=_("entry")
    )
    lot = models.ForeignKey(PointLot, on_delete=models.PROTECT, related_name="consumptions", verbose_name=_("lot"))
    points = models.PositiveIntegerField(_("points"))
    settles = models.ForeignKey(
        PointLot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlements",
        help_text=_("EX5: the debt lot these points paid off."),
        verbose_name=_("settles"),
    )

    class Meta:
        verbose_name = _("lot consumption")
        verbose_name_plural = _("lot consumptions")
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="consumption_positive")]
        indexes = [models.Index(fields=["settles"], name="consumption_settles_idx", condition=Q(settles__isnull=False))]

    def __str__(self) -> str:
        if self.lot.expires_on is None:
            return _("%(points)s points from a lot") % {"points": f"{self.points:,}"}
        return _("%(points)s points from the lot valid through %(date)s") % {
            "points": f"{self.points:,}",
            "date": self.lot.expires_on,
        }


class MemberBalance(models.Model):
    """The member's balances, kept in the same transaction as the entries (O(1) reads)."""

    member = models.OneToOneField(
        "members.Member", on_delete=models.PROTECT, primary_key=True, related_name="balance", verbose_name=_("member")
    )
    posted = models.IntegerField(_("posted balance"), default=0)
    pending = models.IntegerField(_("pending"), default=0)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("balance")
        verbose_name_plural = _("balances")
        constraints = [models.CheckConstraint(condition=Q(pending__gte=0), name="balance_pending_not_negative")]

    def __str__(self) -> str:
        return _("Balance of %(member)s: %(posted)s (%(pending)s pending)") % {
            "member": self.member.number,
            "posted": f"{self.posted:,}",
            "pending": f"{self.pending:,}",
        }
