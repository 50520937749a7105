"""The card numbers members hold or held (M1, M2, M4, M5, M8)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .members import Member
from .programs import Program


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
