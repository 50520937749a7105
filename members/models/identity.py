"""Issue 14: one-shot form tokens (``loyalty.oneshot``) and the email duplicates recorded when the one-email rule
came in (A1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .members import Member
from .programs import Program
from .users import User


class FormSubmission(models.Model):
    """A one-shot form token (``loyalty.oneshot``): the first POST of a rendered form claims it (unique); a repeat
    of the same POST finds the row and gets the first result instead of acting again."""

    token = models.CharField(_("token"), max_length=200, unique=True)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    path = models.CharField(_("path"), max_length=300)
    location = models.CharField(_("result"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        indexes = [models.Index(fields=["created_at"], name="formsubmission_created_idx")]

    def __str__(self) -> str:
        return f"{self.path} {self.created_at:%Y-%m-%d %H:%M}"


class EmailDuplicate(models.Model):
    """A1: open memberships of one program that shared an email when the one-email rule came in (members 0013).

    They are kept (a migration never fails on them) and listed for the office, which resolves each by changing or
    confirming the email through the identity service and marking the row resolved."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+", verbose_name=_("program"))
    email = models.CharField(_("email"), max_length=254)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="email_duplicates", verbose_name=_("member")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("resolved by")
    )

    class Meta:
        ordering = ["program", "email", "member"]
        verbose_name = _("email duplicate")
        verbose_name_plural = _("email duplicates")
        constraints = [models.UniqueConstraint(fields=["member", "email"], name="email_duplicate_once")]

    def __str__(self) -> str:
        return f"{self.email} ({self.member.number})"
