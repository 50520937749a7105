"""What counts toward a qualification year besides points: room nights (SH1) and credits without a bill (ST3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .bills import Bill
from .properties import Hotel


class StayNight(models.Model):
    """One room night of a member (SH1): one per date, whatever the number of bills; counts toward ST2."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="nights", verbose_name=_("member")
    )
    night_of = models.DateField(_("night of"))
    bill = models.ForeignKey(
        Bill, on_delete=models.CASCADE, null=True, blank=True, related_name="stay_nights", verbose_name=_("bill")
    )
    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, related_name="+", verbose_name=_("hotel"))

    class Meta:
        ordering = ["member", "night_of"]
        verbose_name = _("room night")
        verbose_name_plural = _("room nights")
        constraints = [models.UniqueConstraint(fields=["member", "night_of"], name="stay_night_one_per_date")]

    def __str__(self) -> str:
        return f"{self.night_of}"


class QualificationCredit(models.Model):
    """Points or nights that count toward a qualification year without a bill (ST3 legacy import, merges)."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="qualification_credits", verbose_name=_("member")
    )
    year = models.PositiveSmallIntegerField(_("qualification year"))
    credited_on = models.DateField(_("dated"))
    points = models.IntegerField(_("qualifying points"), default=0)
    nights = models.IntegerField(_("eligible nights"), default=0)
    source = models.CharField(_("source"), max_length=100)

    class Meta:
        verbose_name = _("qualification credit")
        verbose_name_plural = _("qualification credits")
        constraints = [models.UniqueConstraint(fields=["member", "year", "source"], name="credit_once_per_source")]

    def __str__(self) -> str:
        return _("%(year)s: %(points)s points, %(nights)s nights (%(source)s)") % {
            "year": self.year,
            "points": f"{self.points:,}",
            "nights": self.nights,
            "source": self.source,
        }
