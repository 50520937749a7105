"""PT2: ending a program, or a part of it (a hotel leaving, a service ending), from an announced date."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .properties import Hotel


class ProgramEnding(models.Model):
    """PT2 (NOC Art. 13): the office ends the program, a hotel's part in it (a hotel leaving) or a service, from a
    date it announces. ``ends_on`` is the last day: a use dated after it earns nothing (exclusion PT2); redemptions
    of the part ended are refused after it. Ending the whole program, the remaining points lapse with it, unless
    the announcement keeps them until a later date (``points_kept_until``): until then they can still be redeemed.
    Recorded with its history (who announced it, who lapsed the points)."""

    class Scope(models.TextChoices):
        PROGRAM = "program", _("The whole program")
        HOTEL = "hotel", _("A hotel leaving")
        SERVICE = "service", _("A service")

    class Service(models.TextChoices):
        STAYS = "stays", _("Points for stays")
        DINING = "dining", _("Points for restaurants and bars")
        CERTIFICATES = "certificates", _("Reward Certificates")
        AWARDS = "awards", _("Awards")
        TRANSFERS = "transfers", _("Family transfers")

    program = models.ForeignKey(
        "members.Program", on_delete=models.PROTECT, related_name="endings", verbose_name=_("program")
    )
    scope = models.CharField(_("what ends"), max_length=10, choices=Scope.choices)
    hotel = models.ForeignKey(
        Hotel, on_delete=models.PROTECT, null=True, blank=True, related_name="endings", verbose_name=_("hotel")
    )
    service = models.CharField(_("service"), max_length=16, choices=Service.choices, blank=True)
    announced_on = models.DateField(_("announced on"))
    ends_on = models.DateField(_("last day"), help_text=_("PT2: uses after this day earn nothing."))
    points_kept_until = models.DateField(
        _("points kept until"),
        null=True,
        blank=True,
        help_text=_("PT2, whole program: the remaining points lapse after the last day unless kept until this date."),
    )
    note = models.TextField(_("announcement"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    lapsed_on = models.DateField(_("remaining points lapsed on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "ends_on"]
        verbose_name = _("program ending")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="program", hotel__isnull=True, service="")
                | Q(scope="hotel", hotel__isnull=False, service="")
                | Q(scope="service", hotel__isnull=True) & ~Q(service=""),
                name="ending_scope_fields",
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=F("announced_on")), name="ending_announced_first"),
            models.CheckConstraint(
                condition=Q(points_kept_until__isnull=True) | Q(points_kept_until__gte=F("ends_on")),
                name="ending_points_kept_after_end",
            ),
        ]

    def __str__(self) -> str:
        what = self.hotel.code if self.hotel_id else (self.get_service_display() if self.service else self.program)
        return _("%(what)s: ends after %(date)s") % {"what": what, "date": self.ends_on}

    @property
    def points_valid_until(self) -> dt.date:
        """PT2: the last day the remaining points of an ended program can be redeemed."""
        return self.points_kept_until or self.ends_on
