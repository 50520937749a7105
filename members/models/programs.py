"""Programs and what is effective-dated about them: settings (every Default, PT1), terms versions (PT1),
membership categories (M10); and each program's number series (M1).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
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
    name_ja = models.CharField(_("name in Japanese"), max_length=100, blank=True)
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


def default_earning_channels() -> list[str]:
    """NE4 Default: stays reserved by phone, on the official website or through the reservation center earn; a
    walk-in does not (One Harmony's rows add ``walk_in``, OE3: booked directly with the hotel)."""
    from loyalty.rulebooks import DIRECT_CHANNELS

    return sorted(DIRECT_CHANNELS)


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
    # Maker-checker windows (issue 14, Default): what one requester moves without a checker accumulates.
    adjustment_member_window_days = models.PositiveSmallIntegerField(
        _("maker-checker window per member (days)"), default=30
    )
    adjustment_requester_window_days = models.PositiveSmallIntegerField(
        _("maker-checker window per requester (business days)"), default=1
    )
    # --- issue 15 (items 10, 11, 13): Defaults the documents do not give; ARCHITECTURE.md says why. ---
    family_transfers = models.BooleanField(
        _("family transfers offered"),
        default=True,
        help_text=_("T1-T5: Default New Otani on (Art. 7), One Harmony off (its FAQ has none)."),
    )
    certificate_max_per_request = models.PositiveSmallIntegerField(
        _("certificates per request at most"),
        default=99,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("NR1: Default 99 (two digits of the registration number per request)."),
    )
    released_points_grace_days = models.PositiveSmallIntegerField(
        _("returned points: days of validity if expired meanwhile"),
        default=30,
        help_text=_("OR1: a refused gift request returns its points with their expiry dates; Default 30 days."),
    )
    history = HistoricalRecords()
    # NE4 (4), OE3: the reservation channels of stays that earn.
    earning_channels = models.JSONField(
        _("reservation channels that earn"),
        default=default_earning_channels,
        blank=True,
        help_text=_(
            "NE4/OE3: stays booked through these channels earn (Default: phone, official_website, "
            "reservation_center; One Harmony also walk_in)."
        ),
    )
    # OE5: a check charged to a room whose folio is paid wholly or partly with JAL Coupons.
    jal_coupon_checks_earn = models.BooleanField(
        _("room-charged checks of a folio paid with JAL Coupons earn"),
        default=False,
        help_text=_("OE5 Default: no (a restaurant/bar bill paid with JAL Coupons earns nothing)."),
    )

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
        return _("%(program)s settings from %(date)s") % {"program": self.program.name, "date": self.effective_from}


class TermsVersion(models.Model):
    """A version of a program's terms (PT1: New Otani effective 2007-10-01, modified 2017-04-01 and 2020-04-01)."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="terms_versions", verbose_name=_("program")
    )
    version = models.CharField(_("version"), max_length=50)
    effective_from = models.DateField(_("effective from"))
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("published at"), blank=True)
    announced_at = models.DateTimeField(_("announced to members at"), null=True, blank=True, help_text=_("PT3"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "-effective_from"]
        verbose_name = _("terms version")
        verbose_name_plural = _("terms versions")
        constraints = [models.UniqueConstraint(fields=["program", "effective_from"], name="terms_one_per_date")]

    def __str__(self) -> str:
        return _("%(program)s terms %(version)s") % {"program": self.program.name, "version": self.version}


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
        return _("%(program)s membership numbers") % {"program": self.program.name}
