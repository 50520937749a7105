"""Hotels, outlets, bills as received, the point ledger and the job runs.

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
from simple_history.models import HistoricalRecords


class Hotel(models.Model):
    """A property of a program (NE2, NX1, OE3, OE5)."""

    class Affiliation(models.TextChoices):
        GROUP = "group", _("Group hotel")
        ASSOCIATE = "associate", _("Associate hotel")

    class Brand(models.TextChoices):
        OKURA = "okura", _("Okura Hotels & Resorts")
        NIKKO = "nikko", _("Nikko Hotels International")
        JAL_CITY = "jal-city", _("Hotel JAL City")
        NEW_OTANI = "new-otani", _("New Otani")

    program = models.ForeignKey("members.Program", on_delete=models.PROTECT, related_name="hotels")
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, default="JP")
    affiliation = models.CharField(_("affiliation"), max_length=16, choices=Affiliation.choices, default="group")
    brand = models.CharField(_("brand"), max_length=16, choices=Brand.choices)
    accepts_jal_coupons = models.BooleanField(_("accepts JAL Coupons"), default=False, help_text=_("OE5"))
    travel_agency_stays_earn = models.BooleanField(_("travel-agency stays earn"), default=False, help_text=_("OE3"))
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "code"]
        verbose_name = _("hotel")
        verbose_name_plural = _("hotels")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Outlet(models.Model):
    """A restaurant or bar of a hotel. Whether it earns is effective-dated (``OutletDesignation``, NE2)."""

    class Kind(models.TextChoices):
        RESTAURANT = "restaurant", _("Restaurant")
        BAR = "bar", _("Bar")

    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, related_name="outlets")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["hotel", "code"]
        verbose_name = _("outlet")
        constraints = [models.UniqueConstraint(fields=["hotel", "code"], name="outlet_code_unique_in_hotel")]

    def __str__(self) -> str:
        return f"{self.hotel.code}/{self.code} {self.name}"


class OutletDesignation(models.Model):
    """From ``effective_from`` on, the outlet is (or is not) a designated restaurant/bar (NE2)."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="designations")
    effective_from = models.DateField(_("effective from"))
    designated = models.BooleanField(_("designated"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["outlet", "-effective_from"]
        verbose_name = _("outlet designation")
        constraints = [models.UniqueConstraint(fields=["outlet", "effective_from"], name="designation_one_per_date")]

    def __str__(self) -> str:
        return f"{self.outlet} {'designated' if self.designated else 'not designated'} from {self.effective_from}"


class Bill(models.Model):
    """A settled billing as a hotel reported it, with what it earned.

    ``payload`` keeps the request as received; ``fingerprint`` (its canonical hash) tells a resend (same content,
    answered 200 with ``response``) from a conflicting one (409). ``(hotel, number)`` is unique: a bill is
    recorded, and so awarded, once.
    """

    class Kind(models.TextChoices):
        STAY = "stay", _("Stay")
        DINING = "dining", _("Dining")

    class Source(models.TextChoices):
        API = "api", _("API")
        IMPORT = "import", _("File import")
        OFFICE = "office", _("Office")
        DEMO = "demo", _("Demo data")

    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, related_name="bills")
    number = models.CharField(_("bill number"), max_length=40)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="bills")
    card_number = models.CharField(_("card presented"), max_length=20)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="bills")
    paid_on = models.DateField(_("paid on"), help_text=_("The date of use (EX3)."))
    reservation_channel = models.CharField(_("reservation channel"), max_length=32, blank=True)
    settlement = models.CharField(_("settlement"), max_length=16, default="on_the_spot")
    card_presented = models.BooleanField(_("card presented"), default=True)
    paid_by_member = models.BooleanField(_("paid by member"), default=True)
    with_banquet = models.BooleanField(_("with banquet"), default=False)
    wedding = models.BooleanField(_("wedding"), default=False)
    other_hotel_program = models.BooleanField(_("other hotel program"), default=False)
    total_amount = models.PositiveIntegerField(_("total paid (JPY)"))
    eligible_amount = models.PositiveIntegerField(_("eligible amount (JPY)"), default=0)
    points = models.PositiveIntegerField(_("base points"), default=0)
    bonus_points = models.PositiveIntegerField(_("bonus points"), default=0)
    nights = models.PositiveSmallIntegerField(_("nights"), default=0, help_text=_("SH1"))
    arrival_on = models.DateField(_("arrival"), null=True, blank=True)
    departure_on = models.DateField(_("departure"), null=True, blank=True)
    posts_on = models.DateField(_("posts on"), help_text=_("NE7"))
    expires_on = models.DateField(_("points expire after"), help_text=_("EX1, EX2, EX3"))
    status_on_use = models.CharField(_("status on the date of use"), max_length=16, default="member")
    refunded_amount = models.PositiveIntegerField(_("refunded (JPY)"), default=0)
    payload = models.JSONField(_("as received"))
    fingerprint = models.CharField(max_length=64)
    response = models.JSONField(_("answer sent"))
    source = models.CharField(_("received through"), max_length=8, choices=Source.choices, default=Source.API)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        constraints = [
            models.UniqueConstraint(fields=["hotel", "number"], name="bill_number_unique_in_hotel"),
            models.CheckConstraint(condition=Q(refunded_amount__lte=F("total_amount")), name="bill_refund_le_total"),
        ]
        indexes = [models.Index(fields=["member", "-paid_on"], name="bill_member_idx")]

    def __str__(self) -> str:
        return f"{self.hotel.code} {self.number}"


class BillRoom(models.Model):
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="rooms")
    room = models.CharField(_("room"), max_length=20)
    member_room = models.BooleanField(_("member's own room"))
    for_points = models.BooleanField(_("named for points"))
    members = models.JSONField(_("other members in the room"), default=list, blank=True)

    class Meta:
        verbose_name = _("room")

    def __str__(self) -> str:
        return f"room {self.room}"


class BillCheck(models.Model):
    """A restaurant/bar check charged to the room (NE6, OE4)."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="checks")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("check number"), max_length=40)
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("room-charged check")

    def __str__(self) -> str:
        return f"check {self.number}"


class BillCharge(models.Model):
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="charges")
    room_check = models.ForeignKey(BillCheck, on_delete=models.CASCADE, null=True, blank=True, related_name="charges")
    date = models.DateField(_("date"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=20, blank=True)
    category = models.CharField(_("category"), max_length=20)
    amount = models.PositiveIntegerField(_("amount"))
    tax_service = models.PositiveIntegerField(_("tax and service"), default=0)

    class Meta:
        verbose_name = _("charge")

    def __str__(self) -> str:
        return f"{self.category} {self.amount} + {self.tax_service}"


class BillPayment(models.Model):
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="payments")
    method = models.CharField(_("method"), max_length=32)
    amount = models.PositiveIntegerField(_("amount"))

    class Meta:
        verbose_name = _("payment")

    def __str__(self) -> str:
        return f"{self.method} {self.amount}"


class BillUnit(models.Model):
    """A calculation unit (NE6) and what it earned."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="units")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(_("unit"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20)
    date = models.DateField(_("date"), null=True, blank=True)
    eligible_amount = models.PositiveIntegerField(_("eligible amount"))
    points = models.PositiveIntegerField(_("points"))
    bonus_points = models.PositiveIntegerField(_("bonus points"), default=0)

    class Meta:
        ordering = ["bill", "position"]
        verbose_name = _("calculation unit")
        constraints = [models.UniqueConstraint(fields=["bill", "position"], name="unit_position_unique")]

    def __str__(self) -> str:
        return f"{self.label}: {self.points}"


class BillExclusion(models.Model):
    """An amount kept from earning, with the Rulebook ID that kept it."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="exclusions")
    position = models.PositiveSmallIntegerField()
    rule = models.CharField(_("rule"), max_length=8)
    amount = models.PositiveIntegerField(_("amount"))
    detail = models.CharField(_("why"), max_length=300)
    unit = models.CharField(_("unit"), max_length=120, blank=True)

    class Meta:
        ordering = ["bill", "position"]
        verbose_name = _("exclusion")

    def __str__(self) -> str:
        return f"{self.rule} {self.amount}"


class BillRefund(models.Model):
    """A refund or a payment not made (R1): the points of the refunded part are retracted."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField(_("amount refunded"))
    points_retracted = models.PositiveIntegerField(_("points retracted"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("refund")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"refund {self.amount} of {self.bill_id}"


class StayNight(models.Model):
    """One room night of a member (SH1): one per date, whatever the number of bills; counts toward ST2."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="nights")
    night_of = models.DateField(_("night of"))
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, null=True, blank=True, related_name="stay_nights")
    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["member", "night_of"]
        verbose_name = _("room night")
        constraints = [models.UniqueConstraint(fields=["member", "night_of"], name="stay_night_one_per_date")]

    def __str__(self) -> str:
        return f"{self.night_of}"


class QualificationCredit(models.Model):
    """Points or nights that count toward a qualification year without a bill (ST3 legacy import, merges)."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="qualification_credits")
    year = models.PositiveSmallIntegerField(_("qualification year"))
    credited_on = models.DateField(_("dated"))
    points = models.IntegerField(_("qualifying points"), default=0)
    nights = models.IntegerField(_("eligible nights"), default=0)
    source = models.CharField(_("source"), max_length=100)

    class Meta:
        verbose_name = _("qualification credit")
        constraints = [models.UniqueConstraint(fields=["member", "year", "source"], name="credit_once_per_source")]

    def __str__(self) -> str:
        return f"{self.year}: {self.points} pts, {self.nights} nights ({self.source})"


class JobRun(models.Model):
    """One run of a scheduled job for an as-of date (J1-J5). Unique per job, program and date."""

    class Job(models.TextChoices):
        POST = "post_points", _("Post pending points (J1)")
        EXPIRE = "expire_points", _("Expire points (J2, J3)")
        QUALIFY = "qualify_status", _("Qualify status (J4)")
        REMIND = "remind_expiry", _("Expiry reminders")
        RECONCILE = "reconcile_ledger", _("Reconcile the ledger (J5)")

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    job = models.CharField(_("job"), max_length=20, choices=Job.choices)
    program = models.ForeignKey("members.Program", on_delete=models.PROTECT, related_name="job_runs")
    as_of = models.DateField(_("as of"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-as_of", "job"]
        verbose_name = _("job run")
        constraints = [models.UniqueConstraint(fields=["job", "program", "as_of"], name="job_run_once_per_date")]

    def __str__(self) -> str:
        return f"{self.job} {self.program_id} {self.as_of} ({self.state})"


class Adjustment(models.Model):
    """A manual point adjustment by the office (A5 claims, corrections); large ones need a supervisor."""

    class State(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        POSTED = "posted", _("Posted")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="adjustments")
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=300)
    used_on = models.DateField(_("date of use"), help_text=_("Fixes the expiry date (EX3)."))
    qualifies = models.BooleanField(_("counts toward status"), default=False, help_text=_("ST2"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.AWAITING_APPROVAL)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("adjustment")
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="adjustment_not_zero")]

    def __str__(self) -> str:
        return f"{self.points:+d} for {self.member_id}: {self.reason}"


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
        "members.Member", on_delete=models.PROTECT, related_name="ledger_entries", db_index=False
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
        Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="entries", db_index=False
    )
    refund = models.ForeignKey(
        BillRefund, on_delete=models.PROTECT, null=True, blank=True, related_name="entries", db_index=False
    )
    lot = models.ForeignKey(
        "PointLot", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
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
    )
    adjustment = models.ForeignKey(
        Adjustment, on_delete=models.PROTECT, null=True, blank=True, related_name="entries", db_index=False
    )
    certificate_request = models.ForeignKey(
        "rewards.CertificateRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
    )
    award_redemption = models.ForeignKey(
        "rewards.AwardRedemption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
    )
    transfer = models.ForeignKey(
        "rewards.Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="entries", db_index=False
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
        return f"{self.get_kind_display()} {self.points:+d}/{self.pending:+d} ({self.member_id})"


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

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="lots", db_index=False)
    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="lots")
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
        return f"lot {self.pk}: {self.remaining}/{self.points} through {self.expires_on}"


class LotConsumption(models.Model):
    """``points`` taken from ``lot`` by ``entry`` (a debit), or used by a new credit to pay off a debt lot."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="consumptions")
    lot = models.ForeignKey(PointLot, on_delete=models.PROTECT, related_name="consumptions")
    points = models.PositiveIntegerField(_("points"))
    settles = models.ForeignKey(
        PointLot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlements",
        help_text=_("EX5: the debt lot these points paid off."),
    )

    class Meta:
        verbose_name = _("lot consumption")
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="consumption_positive")]
        indexes = [models.Index(fields=["settles"], name="consumption_settles_idx", condition=Q(settles__isnull=False))]

    def __str__(self) -> str:
        return f"{self.points} from lot {self.lot_id}"


class MemberBalance(models.Model):
    """The member's balances, kept in the same transaction as the entries (O(1) reads)."""

    member = models.OneToOneField("members.Member", on_delete=models.PROTECT, primary_key=True, related_name="balance")
    posted = models.IntegerField(_("posted balance"), default=0)
    pending = models.IntegerField(_("pending"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("balance")
        constraints = [models.CheckConstraint(condition=Q(pending__gte=0), name="balance_pending_not_negative")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.posted} (+{self.pending} pending)"


class ApiToken(models.Model):
    """A hotel's (PMS/POS) or an office's API token. Only its SHA-256 is stored; it can be revoked."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, help_text=_("The first characters, to recognise it."))
    key_hash = models.CharField(max_length=64, unique=True)
    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, null=True, blank=True, related_name="api_tokens")
    program = models.ForeignKey(
        "members.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_tokens",
        help_text=_("Office token of this program."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API token")
        constraints = [
            models.CheckConstraint(
                condition=Q(hotel__isnull=False, program__isnull=True) | Q(hotel__isnull=True, program__isnull=False),
                name="token_hotel_xor_office",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ExpiryReminder(models.Model):
    """One reminder per member and expiry date (EX6): points lapsing within the reminder window (Default 60 days)."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="expiry_reminders")
    expires_on = models.DateField(_("points valid through"))
    points = models.PositiveIntegerField(_("points lapsing"))
    job_run = models.ForeignKey(JobRun, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    emailed = models.BooleanField(_("emailed"), default=False, help_text=_("False: the member has no email."))

    class Meta:
        verbose_name = _("expiry reminder")
        constraints = [models.UniqueConstraint(fields=["member", "expires_on"], name="reminder_once_per_expiry_date")]
        indexes = [models.Index(fields=["sent_at"], name="reminder_unsent_idx", condition=Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.points} through {self.expires_on}"


class Claim(models.Model):
    """A member's report of missing points or nights (A5): within 6 months (Default) of the date of use; the office
    approves it (posting an adjustment) or rejects it with a reason the member sees."""

    class Kind(models.TextChoices):
        POINTS = "points", _("Missing points")
        NIGHTS = "nights", _("Missing nights")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.POINTS)
    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, null=True, blank=True, related_name="claims")
    used_on = models.DateField(_("date of use"))
    bill_number = models.CharField(_("bill or folio number"), max_length=40, blank=True)
    description = models.TextField(_("what is missing"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("answer to the member"), blank=True)
    adjustment = models.OneToOneField(Adjustment, on_delete=models.PROTECT, null=True, blank=True, related_name="claim")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("claim")
        indexes = [models.Index(fields=["state", "created_at"], name="claim_state_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.used_on} ({self.get_state_display()})"


# --- Issue 13: idempotency keys (API.md 1.1) and reconciliation mismatches (J5), in their own module ------------
from .integrity_models import IdempotencyKey, LedgerMismatch  # noqa: E402, F401
