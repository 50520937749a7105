"""Programs, their effective-dated settings and terms, members, cards, families, categories and status.

Rule IDs: M1-M10 (membership), PT1-PT2 (terms and settings), ST1 (status periods), A1 (login names).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Program(models.Model):
    """A loyalty program run on the platform (`one-harmony`, `new-otani`)."""

    ONE_HARMONY = "one-harmony"
    NEW_OTANI = "new-otani"

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    office_name = models.CharField(_("office"), max_length=100)
    number_digits = models.PositiveSmallIntegerField(
        _("membership number digits"), help_text=_("M1: One Harmony 9, New Otani 10 (Default).")
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True, help_text=_("PT2: the program ended."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name

    @property
    def is_one_harmony(self) -> bool:
        return self.code == self.ONE_HARMONY

    @property
    def is_new_otani(self) -> bool:
        return self.code == self.NEW_OTANI


class ProgramSettings(models.Model):
    """Every Default of the rulebook, effective-dated (PT1): a bill is judged by the row in force on its date of use.

    A new row with a later ``effective_from`` changes the rules from that date on; past bills keep theirs.
    """

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="settings_versions", verbose_name=_("program")
    )
    effective_from = models.DateField(_("effective from"))
    # Earning (NE1, OE2): points per full `per_yen` of eligible amount in a calculation unit.
    stay_points = models.PositiveIntegerField(_("stay points"), help_text=_("NE1 5 / OE2 20"))
    stay_per_yen = models.PositiveIntegerField(_("stay: per full JPY"), help_text=_("NE1 100 / OE2 1,000"))
    dining_points = models.PositiveIntegerField(_("dining points"), help_text=_("NE1 5 / OE2 10"))
    dining_per_yen = models.PositiveIntegerField(_("dining: per full JPY"), help_text=_("NE1 100 / OE2 1,000"))
    minimum_payment = models.PositiveIntegerField(_("minimum payment (JPY)"), default=100, help_text=_("NX2"))
    max_rooms = models.PositiveSmallIntegerField(_("rooms that earn per stay"), default=2, help_text=_("NE5"))
    excluded_categories = models.JSONField(
        _("excluded charge categories"), default=list, blank=True, help_text=_("NX15: categories that never earn.")
    )
    posting_delay_days = models.PositiveSmallIntegerField(_("posting delay (days)"), default=10, help_text=_("NE7"))
    # Status (OE6, ST2): One Harmony only.
    loyal_bonus_percent = models.PositiveSmallIntegerField(_("Loyal bonus %"), default=25, help_text=_("OE6"))
    exclusive_bonus_percent = models.PositiveSmallIntegerField(_("Exclusive bonus %"), default=50, help_text=_("OE6"))
    loyal_points = models.PositiveIntegerField(_("Loyal: qualifying points"), default=5000, help_text=_("ST2"))
    loyal_nights = models.PositiveIntegerField(_("Loyal: eligible nights"), default=5, help_text=_("ST2"))
    exclusive_points = models.PositiveIntegerField(_("Exclusive: qualifying points"), default=15000, help_text=_("ST2"))
    exclusive_nights = models.PositiveIntegerField(_("Exclusive: eligible nights"), default=20, help_text=_("ST2"))
    # Redemption (NR1-NR3): New Otani.
    certificate_points = models.PositiveIntegerField(_("points per certificate"), default=5000, help_text=_("NR1"))
    certificate_value = models.PositiveIntegerField(_("certificate value (JPY)"), default=5000, help_text=_("NR1"))
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"), default=12, help_text=_("NR3")
    )
    certificate_lead_days = models.PositiveSmallIntegerField(
        _("request lead time (days before arrival)"), default=10, help_text=_("NR2")
    )
    # Service (A5, reminders, maker-checker).
    claim_window_months = models.PositiveSmallIntegerField(_("claim window (months)"), default=6, help_text=_("A5"))
    expiry_reminder_days = models.PositiveSmallIntegerField(_("expiry reminder (days ahead)"), default=60)
    point_value_yen = models.DecimalField(
        _("value of one point (JPY)"),
        max_digits=6,
        decimal_places=2,
        default=1,
        help_text=_("R1: what the office charges a member per point of a negative balance (NOC: 5,000 = JPY 5,000)."),
    )
    adjustment_approval_threshold = models.PositiveIntegerField(
        _("adjustments above this need a supervisor"), default=10000
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "-effective_from"]
        verbose_name = _("program settings")
        verbose_name_plural = _("program settings")
        constraints = [
            models.UniqueConstraint(fields=["program", "effective_from"], name="settings_one_per_program_date"),
            models.CheckConstraint(
                condition=Q(stay_per_yen__gt=0) & Q(dining_per_yen__gt=0), name="settings_per_yen_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} from {self.effective_from}"


class TermsVersion(models.Model):
    """A version of a program's terms (PT1: New Otani effective 2007-10-01, modified 2017-04-01 and 2020-04-01)."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="terms_versions", verbose_name=_("program")
    )
    version = models.CharField(_("version"), max_length=50)
    effective_from = models.DateField(_("effective from"))
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("published at"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "-effective_from"]
        verbose_name = _("terms version")
        verbose_name_plural = _("terms versions")
        constraints = [models.UniqueConstraint(fields=["program", "effective_from"], name="terms_one_per_date")]

    def __str__(self) -> str:
        return f"{self.program.code} {self.version}"


class MembershipCategory(models.Model):
    """A New Otani membership category (M10): each says which services it allows."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="categories", verbose_name=_("program"))
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    allows_family_transfer = models.BooleanField(_("family transfers allowed"), default=True, help_text=_("T4"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "code"]
        verbose_name = _("membership category")
        verbose_name_plural = _("membership categories")
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="category_code_unique")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A login: a member's My Account login, or a staff user of an office or a hotel front desk.

    Staff scope: ``programs`` (office staff, one or both) and ``hotel`` (front desk).
    """

    programs = models.ManyToManyField(Program, blank=True, related_name="staff", verbose_name=_("office of"))
    hotel = models.ForeignKey(
        "points.Hotel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("front desk of"),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class Tier(models.TextChoices):
    """One Harmony tiers (ST1), lowest first: the order of declaration is the order of the tiers, and every
    comparison of tiers (in Python, in the ORM, in SQL) reads it from here. New Otani members are always ``member``."""

    MEMBER = "member", _("Member")
    LOYAL = "loyal", _("Loyal")
    EXCLUSIVE = "exclusive", _("Exclusive")

    @property
    def rank(self) -> int:
        """0 for ``member``, higher for a higher tier."""
        return list(Tier).index(self)

    @classmethod
    def rank_expression(cls, field: str = "tier") -> models.Case:
        """The rank of the tier in ``field``, for the ORM (annotate, order by)."""
        whens = [models.When(**{field: tier}, then=models.Value(tier.rank)) for tier in cls]
        return models.Case(*whens, default=models.Value(0), output_field=models.IntegerField())

    @classmethod
    def rank_sql(cls, column: str) -> str:
        """The rank of the tier in ``column``, for hand-written SQL (the values are this enum's own constants)."""
        whens = " ".join(f"WHEN '{tier.value}' THEN {tier.rank}" for tier in cls)
        return f"CASE {column} {whens} ELSE 0 END"


class Member(models.Model):
    """A membership of one program (a person in both programs has two). M1: the number is never reused."""

    class Channel(models.TextChoices):
        FRONT_DESK = "front_desk", _("Hotel front desk")
        OFFICE = "office", _("Office")
        WEBSITE = "website", _("Website")
        MIGRATION = "migration", _("Legacy migration")

    class ClosedReason(models.TextChoices):
        WITHDRAWN = "withdrawn", _("Withdrawn by the member")
        CANCELLED = "cancelled", _("Cancelled")
        FRAUD = "fraud", _("Forgery or fraud")
        MERGED = "merged", _("Merged into another membership")
        PROGRAM_ENDED = "program_ended", _("Program ended")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="members", verbose_name=_("program"))
    number = models.CharField(_("membership number"), max_length=20)
    user = models.OneToOneField(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="member", verbose_name=_("login")
    )
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    email = models.EmailField(_("email"), blank=True, help_text=_("M3: required unless the office enrolls."))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    address = models.TextField(_("address"), blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    enrolled_on = models.DateField(_("enrolled on"), help_text=_("M3: benefits start that day (OE1)."))
    admitted_on = models.DateField(
        _("admitted on"), null=True, blank=True, help_text=_("M6 New Otani: the card was received and signed.")
    )
    enrolled_at = models.ForeignKey(
        "points.Hotel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled at hotel"),
    )
    channel = models.CharField(_("enrolled through"), max_length=16, choices=Channel.choices, default=Channel.OFFICE)
    category = models.ForeignKey(
        MembershipCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("category"),
    )
    family_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="family_members",
        verbose_name=_("family member of"),
        help_text=_("T1: the principal member of this family."),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.CharField(_("closed because"), max_length=16, choices=ClosedReason.choices, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_members",
        verbose_name=_("merged into"),
        help_text=_("M8"),
    )
    duplicate_candidate = models.BooleanField(
        _("possible duplicate"), default=False, help_text=_("M8: found in both OCI and MYJ files.")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["program", "number"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="member_number_unique_in_program"),  # M1
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, closed_reason="")
                | Q(closed_on__isnull=False) & ~Q(closed_reason=""),
                name="member_closed_has_reason",
            ),
            models.CheckConstraint(condition=~Q(family_of=models.F("id")), name="member_not_own_family"),
        ]
        indexes = [
            models.Index(fields=["email"], name="member_email_idx"),
            models.Index(fields=["family_name", "given_name"], name="member_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.family_name} {self.given_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def member_since(self) -> dt.date:
        """The first date a use earns: New Otani admission date (M6, NX13), else enrolment (M3, OE1)."""
        return self.admitted_on or self.enrolled_on


class Card(models.Model):
    """A card number a member holds or held (M1, M2, M4, M5, M8).

    Every number ever held resolves to its member: lookups go through this table by number. A reissued card
    (M5) is a new row with the same number; the old row is marked lost. Merged-away cards (M8) move to the
    survivor. At most one *current* card carries a given number in a program.
    """

    class Kind(models.TextChoices):
        MEMBERSHIP = "membership", _("Membership card")
        OCI = "oci", _("Okura Club International (legacy)")
        MYJ = "myj", _("My JALHotels (legacy)")

    class State(models.TextChoices):
        CURRENT = "current", _("Current")
        LOST = "lost", _("Lost (reissued)")
        REPLACED = "replaced", _("Replaced")
        MERGED_AWAY = "merged_away", _("Merged away")
        CANCELLED = "cancelled", _("Cancelled")

    class Fulfilment(models.TextChoices):
        NOT_MAILED = "not_applicable", _("No physical card to mail")
        TO_BE_MAILED = "to_be_mailed", _("To be mailed")
        MAILED = "mailed", _("Mailed")
        RETURNED = "returned", _("Returned")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+", verbose_name=_("program"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="cards", verbose_name=_("member"))
    number = models.CharField(_("card number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MEMBERSHIP)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.CURRENT)
    fulfilment = models.CharField(
        _("fulfilment"), max_length=16, choices=Fulfilment.choices, default=Fulfilment.TO_BE_MAILED
    )
    issued_on = models.DateField(_("issued on"))
    mailed_on = models.DateField(_("mailed on"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "number", "-issued_on"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "number"], condition=Q(state="current"), name="card_one_current_per_number"
            ),
            models.CheckConstraint(
                condition=Q(fulfilment="mailed", mailed_on__isnull=False) | ~Q(fulfilment="mailed"),
                name="card_mailed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["number"], name="card_number_idx")]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_kind_display()}, {self.get_state_display()})"


class StatusPeriod(models.Model):
    """A One Harmony status and its validity (ST1): earned in ``qualification_year``, valid April 1 to March 31.

    The status in force on a date is the highest tier whose period covers it; ``member`` otherwise.
    """

    class Source(models.TextChoices):
        QUALIFICATION = "qualification", _("Yearly qualification")
        MIGRATION = "migration", _("2013 migration (ST3)")
        MERGE = "merge", _("Merge (M8)")
        OFFICE = "office", _("Office decision")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="status_periods", verbose_name=_("member")
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    qualification_year = models.PositiveSmallIntegerField(_("qualification year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.QUALIFICATION)
    job_run = models.ForeignKey(
        "points.JobRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("job run")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["member", "-valid_from"]
        verbose_name = _("status period")
        verbose_name_plural = _("status periods")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="status_period_order"),
            models.UniqueConstraint(
                fields=["member", "qualification_year", "source"], name="status_one_per_member_year_source"
            ),
        ]
        indexes = [models.Index(fields=["member", "valid_from", "valid_until"], name="status_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.tier} {self.valid_from}..{self.valid_until}"


class NumberSeries(models.Model):
    """The next serial of a program's membership numbers (M1: never reused). Locked row, one per program."""

    program = models.OneToOneField(
        Program, on_delete=models.PROTECT, primary_key=True, related_name="+", verbose_name=_("program")
    )
    next_serial = models.PositiveBigIntegerField(verbose_name=_("next serial"))

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")

    def __str__(self) -> str:
        return f"{self.program_id}: next {self.next_serial}"


class NameChangeRequest(models.Model):
    """M7: a member asks for a name change; only the office makes it."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Changed")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="name_change_requests", verbose_name=_("member")
    )
    family_name = models.CharField(_("new family name"), max_length=100)
    given_name = models.CharField(_("new given name"), max_length=100)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("answer to the member"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("name change request")
        verbose_name_plural = _("name change requests")

    def __str__(self) -> str:
        return f"{self.member_id}: {self.family_name} {self.given_name} ({self.state})"
