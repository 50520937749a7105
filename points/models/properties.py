"""Hotels and their outlets; whether an outlet earns is effective-dated (NE2)."""

from __future__ import annotations

from django.db import models
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

    program = models.ForeignKey(
        "members.Program", on_delete=models.PROTECT, related_name="hotels", verbose_name=_("program")
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
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

    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, related_name="outlets", verbose_name=_("hotel"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["hotel", "code"]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        constraints = [models.UniqueConstraint(fields=["hotel", "code"], name="outlet_code_unique_in_hotel")]

    def __str__(self) -> str:
        return f"{self.hotel.code}/{self.code} {self.name}"


class OutletDesignation(models.Model):
    """From ``effective_from`` on, the outlet is (or is not) a designated restaurant/bar (NE2)."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="designations", verbose_name=_("outlet"))
    effective_from = models.DateField(_("effective from"))
    designated = models.BooleanField(_("designated"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["outlet", "-effective_from"]
        verbose_name = _("outlet designation")
        verbose_name_plural = _("outlet designations")
        constraints = [models.UniqueConstraint(fields=["outlet", "effective_from"], name="designation_one_per_date")]

    def __str__(self) -> str:
        if self.designated:
            return _("%(outlet)s designated from %(date)s") % {"outlet": self.outlet, "date": self.effective_from}
        return _("%(outlet)s not designated from %(date)s") % {"outlet": self.outlet, "date": self.effective_from}
