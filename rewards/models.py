"""What points are spent on: New Otani Reward Certificates (NR1-NR3), One Harmony awards (OR1), family transfers
(T1-T5). The ledger side of each lives in ``points``; these rows are the causes the entries point to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Award(models.Model):
    """A One Harmony award of the catalog (OR1), with the point cost the office sets."""

    class Kind(models.TextChoices):
        STAY = "stay", _("Stay Award")
        UPGRADE = "upgrade", _("Upgrade Award")
        BREAKFAST = "breakfast", _("Breakfast Award")
        GIFT = "gift", _("Gift Award")

    program = models.ForeignKey(
        "members.Program", on_delete=models.PROTECT, related_name="awards", verbose_name=_("program")
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    points = models.PositiveIntegerField(_("point cost"))
    hotel = models.ForeignKey(
        "points.Hotel", on_delete=models.PROTECT, null=True, blank=True, related_name="awards", verbose_name=_("hotel")
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "kind", "code"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="award_costs_points")]

    def __str__(self) -> str:
        return _("%(code)s %(name)s (%(points)s points)") % {
            "code": self.code,
            "name": self.name,
            "points": f"{self.points:,}",
        }


class AwardRedemption(models.Model):
    """An award redeemed for a member (OR1) through a channel."""

    class Channel(models.TextChoices):
        HOTEL = "hotel", _("Hotel")
        RESERVATION_CENTER = "reservation_center", _("Reservation center")
        RESTAURANT = "restaurant", _("Restaurant")
        FRONT_DESK = "front_desk", _("Front desk")
        OFFICE = "office", _("One Harmony Office")
        WEBSITE = "website", _("My Account")
        API = "api", _("API")

    class State(models.TextChoices):
        """OR1 (issue 15, item 10): a Gift Award asked for on the website is a request the office fulfils; its
        points are held (redeemed) from the request and returned if the office refuses it."""

        FULFILLED = "fulfilled", _("Fulfilled")
        REQUESTED = "requested", _("Requested: points held")
        REFUSED = "refused", _("Refused: points returned")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="award_redemptions", verbose_name=_("member")
    )
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("award"))
    points = models.PositiveIntegerField(_("points redeemed"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # --- issue 15, item 10 (OR1): gift requests from the website, fulfilled or refused by the office ---
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.FULFILLED)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    answer = models.TextField(_("answer to the member"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("award redemption")
        verbose_name_plural = _("award redemptions")

    def __str__(self) -> str:
        return _("%(award)s for %(member)s") % {"award": self.award.code, "member": self.member.number}


class CertificateRequest(models.Model):
    """A member's request for k Reward Certificates (NR1, NR2): irrevocable once accepted."""

    class Channel(models.TextChoices):
        WEBSITE = "website", _("Website")
        OFFICE = "office", _("Office")
        COUNTER = "counter", _("New Otani Club Counter")
        FRONT_DESK = "front_desk", _("Front desk")
        API = "api", _("API")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="certificate_requests", verbose_name=_("member")
    )
    count = models.PositiveSmallIntegerField(_("certificates"))
    points = models.PositiveIntegerField(_("points redeemed"))
    hotel = models.ForeignKey(
        "points.Hotel", on_delete=models.PROTECT, related_name="certificate_requests", verbose_name=_("hotel")
    )
    arrival_on = models.DateField(_("arrival"))
    requested_on = models.DateField(_("requested on"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("certificate request")
        verbose_name_plural = _("certificate requests")
        constraints = [models.CheckConstraint(condition=Q(count__gt=0), name="certificate_request_count_positive")]

    def __str__(self) -> str:
        return _("%(count)s certificate(s) for %(member)s, arriving %(date)s") % {
            "count": self.count,
            "member": self.member.number,
            "date": self.arrival_on,
        }


class Certificate(models.Model):
    """A Reward Certificate (NR3). Never reissued: a lost one stays lost."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        READY = "ready", _("Ready at the hotel")
        HANDED_OVER = "handed_over", _("Handed over")
        USED = "used", _("Used")
        EXPIRED = "expired", _("Expired")

    request = models.ForeignKey(
        CertificateRequest, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("request")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("member")
    )
    number = models.CharField(_("registration number"), max_length=20, unique=True)
    value = models.PositiveIntegerField(_("value (JPY)"))
    member_name = models.CharField(_("member name"), max_length=200)
    card_number = models.CharField(_("card number"), max_length=20)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REQUESTED)
    hotel = models.ForeignKey(
        "points.Hotel", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("hotel")
    )
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    used_on = models.DateField(_("used on"), null=True, blank=True)
    used_on_bill = models.ForeignKey(
        "points.Bill",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates_used",
        verbose_name=_("used on bill"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("reward certificate")
        verbose_name_plural = _("reward certificates")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("issued_on")), name="certificate_validity")
        ]

    def __str__(self) -> str:
        return f"{self.number} ¥{self.value:,}"


class Transfer(models.Model):
    """A family transfer (T1-T5): all posted points of the giver move at once, each keeping its expiry date."""

    giver = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="transfers_given", verbose_name=_("giver")
    )
    receiver = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="transfers_received", verbose_name=_("receiver")
    )
    points = models.PositiveIntegerField(_("points moved"))
    giver_consented_at = models.DateTimeField(_("giver consented"))
    receiver_consented_at = models.DateTimeField(_("receiver consented"))
    transferred_on = models.DateField(_("transferred on"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(condition=~Q(giver=models.F("receiver")), name="transfer_not_to_self"),
            models.CheckConstraint(condition=Q(points__gt=0), name="transfer_moves_points"),
        ]

    def __str__(self) -> str:
        return _("%(points)s points from %(giver)s to %(receiver)s") % {
            "points": f"{self.points:,}",
            "giver": self.giver.number,
            "receiver": self.receiver.number,
        }


# --- issue 15, item 6 (NR3): what a certificate paid, recorded when the front desk marks it used -----------------


class CertificateUse(models.Model):
    """NR3 (Art. 12): a Reward Certificate pays accommodation at a New Otani Group Hotel in Japan or dining at a
    designated restaurant/bar, on the day of use only. What it paid is recorded here when it is marked used; the
    rest (deposits, later payments, cash vouchers, gift certificates, tickets) is refused with the reason."""

    class Purpose(models.TextChoices):
        ACCOMMODATION = "accommodation", _("Accommodation")
        DINING = "dining", _("Dining at a designated restaurant or bar")
        DEPOSIT = "deposit", _("Deposit")
        LATER_PAYMENT = "later_payment", _("Payment at a later date")
        CASH_VOUCHER = "cash_voucher", _("Cash voucher")
        GIFT_CERTIFICATE = "gift_certificate", _("Gift certificate")
        TICKET = "ticket", _("Ticket")

    ACCEPTED = (Purpose.ACCOMMODATION, Purpose.DINING)

    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="use", verbose_name=_("reward certificate")
    )
    used_on = models.DateField(_("day of use"))
    hotel = models.ForeignKey("points.Hotel", on_delete=models.PROTECT, related_name="+", verbose_name=_("hotel"))
    outlet = models.ForeignKey(
        "points.Outlet", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("outlet")
    )
    purpose = models.CharField(_("paid for"), max_length=20, choices=Purpose.choices)
    amount = models.PositiveIntegerField(_("amount paid (JPY)"), help_text=_("NR3: at most its value; no change."))
    bill = models.ForeignKey(
        "points.Bill", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("bill")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("certificate use")
        verbose_name_plural = _("certificate uses")
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=["accommodation", "dining"]), name="certificate_use_accepted_purpose"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="certificate_use_amount_positive"),
            models.CheckConstraint(
                condition=~Q(purpose="dining") | Q(outlet__isnull=False), name="certificate_use_dining_has_outlet"
            ),
        ]

    def __str__(self) -> str:
        return _("%(certificate)s: ¥%(amount)s for %(purpose)s on %(date)s") % {
            "certificate": self.certificate.number,
            "amount": f"{self.amount:,}" if self.amount is not None else "—",
            "purpose": self.get_purpose_display(),
            "date": self.used_on,
        }
