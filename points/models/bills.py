"""Bills as received and their parts: rooms, room-charged checks, charges, payments, the calculation units
(NE6) and exclusions they earned by, and refunds (R1).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from loyalty.rulebooks.choices import CHANNELS, CHARGE_CATEGORIES, PAYMENT_METHODS, SETTLEMENTS
from points.codes import UNIT_KIND_LABELS, choices_of

from .properties import Hotel, Outlet


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

    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, related_name="bills", verbose_name=_("hotel"))
    number = models.CharField(_("bill number"), max_length=40)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="bills", verbose_name=_("member")
    )
    card_number = models.CharField(_("card presented"), max_length=20)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="bills", verbose_name=_("outlet")
    )
    paid_on = models.DateField(_("paid on"), help_text=_("The date of use (EX3)."))
    reservation_channel = models.CharField(
        _("reservation channel"), max_length=32, blank=True, choices=choices_of(CHANNELS)
    )
    settlement = models.CharField(
        _("settlement"), max_length=16, default="on_the_spot", choices=choices_of(SETTLEMENTS)
    )
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
    fingerprint = models.CharField(max_length=64, verbose_name=_("fingerprint"))
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
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("bill"))
    room = models.CharField(_("room"), max_length=20)
    member_room = models.BooleanField(_("member's own room"))
    for_points = models.BooleanField(_("named for points"))
    members = models.JSONField(_("other members in the room"), default=list, blank=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self) -> str:
        return _("room %(room)s") % {"room": self.room}


class BillCheck(models.Model):
    """A restaurant/bar check charged to the room (NE6, OE4)."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="checks", verbose_name=_("bill"))
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    number = models.CharField(_("check number"), max_length=40)
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("room-charged check")
        verbose_name_plural = _("room-charged checks")

    def __str__(self) -> str:
        return _("check %(number)s") % {"number": self.number}


class BillCharge(models.Model):
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="charges", verbose_name=_("bill"))
    room_check = models.ForeignKey(
        BillCheck, on_delete=models.CASCADE, null=True, blank=True, related_name="charges", verbose_name=_("room check")
    )
    date = models.DateField(_("date"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=20, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=choices_of(CHARGE_CATEGORIES))
    amount = models.PositiveIntegerField(_("amount"))
    tax_service = models.PositiveIntegerField(_("tax and service"), default=0)

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")

    def __str__(self) -> str:
        return f"{self.get_category_display()} ¥{self.amount:,} + ¥{self.tax_service:,}"


class BillPayment(models.Model):
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="payments", verbose_name=_("bill"))
    method = models.CharField(_("method"), max_length=32, choices=choices_of(PAYMENT_METHODS))
    amount = models.PositiveIntegerField(_("amount"))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.get_method_display()} ¥{self.amount:,}"


class BillUnit(models.Model):
    """A calculation unit (NE6) and what it earned."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="units", verbose_name=_("bill"))
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    label = models.CharField(_("unit"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=choices_of(UNIT_KIND_LABELS, UNIT_KIND_LABELS))
    date = models.DateField(_("date"), null=True, blank=True)
    eligible_amount = models.PositiveIntegerField(_("eligible amount"))
    points = models.PositiveIntegerField(_("points"))
    bonus_points = models.PositiveIntegerField(_("bonus points"), default=0)

    class Meta:
        ordering = ["bill", "position"]
        verbose_name = _("calculation unit")
        verbose_name_plural = _("calculation units")
        constraints = [models.UniqueConstraint(fields=["bill", "position"], name="unit_position_unique")]

    def __str__(self) -> str:
        return _("%(unit)s: %(points)s points") % {"unit": self.label, "points": f"{self.points:,}"}


class BillExclusion(models.Model):
    """An amount kept from earning, with the Rulebook ID that kept it."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("bill"))
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    rule = models.CharField(_("rule"), max_length=8)
    amount = models.PositiveIntegerField(_("amount"))
    detail = models.CharField(_("why"), max_length=300)
    unit = models.CharField(_("unit"), max_length=120, blank=True)

    class Meta:
        ordering = ["bill", "position"]
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")

    def __str__(self) -> str:
        return f"{self.rule} ¥{self.amount:,}"


class BillRefund(models.Model):
    """A refund or a payment not made (R1): the points of the refunded part are retracted."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("bill"))
    amount = models.PositiveIntegerField(_("amount refunded"))
    points_retracted = models.PositiveIntegerField(_("points retracted"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    lines = models.JSONField(
        _("lines refunded"),
        default=dict,
        blank=True,
        help_text=_(
            'R1: the refunded lines by position in the bill as sent, {"charges": [...], "checks": [...]}; '
            "empty for a refund of an amount."
        ),
    )

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return _("refund of ¥%(amount)s on bill %(bill)s") % {"amount": f"{self.amount:,}", "bill": self.bill}


class EarnedRoomNight(models.Model):
    """NE6: a hotel room's night that earned points for a bill. When two or more members share a room only one of
    them earns for it: the first bill reported; a later bill of another member for the same room and night gets the
    NE6 exclusion. The unique constraint is the guard two bills reported at once meet (the second one's write fails
    and it is judged again, seeing the first)."""

    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, related_name="+", verbose_name=_("hotel"))
    room = models.CharField(_("room"), max_length=20)
    night_of = models.DateField(_("night of"))
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="earned_room_nights", verbose_name=_("bill"))

    class Meta:
        verbose_name = _("room night earned")
        verbose_name_plural = _("room nights earned")
        constraints = [
            models.UniqueConstraint(fields=["hotel", "room", "night_of"], name="room_night_earns_once"),
        ]

    def __str__(self) -> str:
        return _("%(hotel)s room %(room)s, night of %(date)s") % {
            "hotel": self.hotel.code,
            "room": self.room,
            "date": self.night_of,
        }
