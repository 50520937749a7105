"""The office's casework: manual point adjustments and members' claims of missing points (A5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .properties import Hotel


class Adjustment(models.Model):
    """A manual point adjustment by the office (A5 claims, corrections); large ones need a supervisor."""

    class State(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        POSTED = "posted", _("Posted")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("member")
    )
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=300)
    used_on = models.DateField(_("date of use"), help_text=_("Fixes the expiry date (EX3)."))
    qualifies = models.BooleanField(_("counts toward status"), default=False, help_text=_("ST2"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.AWAITING_APPROVAL)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    # Issue 14, maker-checker that counts: the business date asked on, and why it waits (what the approver reads).
    requested_on = models.DateField(_("requested on"), null=True, blank=True)
    approval_reason = models.TextField(_("why it needs approval"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="adjustment_not_zero")]
        indexes = [
            models.Index(fields=["requested_by", "requested_on"], name="adjustment_requester_idx"),
            models.Index(fields=["member", "requested_on"], name="adjustment_member_window_idx"),
        ]

    def __str__(self) -> str:
        return _("%(points)s for %(member)s: %(reason)s") % {
            "points": f"{self.points:+,}",
            "member": self.member,
            "reason": self.reason,
        }


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

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="claims", verbose_name=_("member")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.POINTS)
    hotel = models.ForeignKey(
        Hotel, on_delete=models.PROTECT, null=True, blank=True, related_name="claims", verbose_name=_("hotel")
    )
    used_on = models.DateField(_("date of use"))
    bill_number = models.CharField(_("bill or folio number"), max_length=40, blank=True)
    description = models.TextField(_("what is missing"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("answer to the member"), blank=True)
    adjustment = models.OneToOneField(
        Adjustment, on_delete=models.PROTECT, null=True, blank=True, related_name="claim", verbose_name=_("adjustment")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        indexes = [models.Index(fields=["state", "created_at"], name="claim_state_idx")]

    def __str__(self) -> str:
        return _("%(member)s: %(kind)s of %(date)s (%(state)s)") % {
            "member": self.member.number,
            "kind": self.get_kind_display(),
            "date": self.used_on,
            "state": self.get_state_display(),
        }
