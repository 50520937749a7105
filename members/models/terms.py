"""PT3: new terms versions announced to members, and each member's first use of the service under a version."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .members import Member
from .programs import TermsVersion


class TermsNotice(models.Model):
    """PT3: a new terms version announced to one member (Art. 15: website or newsletter; here an email too).

    One row per member and version (the announcement can run again: it adds only the members it has not reached);
    ``sent_at`` is set when the email went out (``emailed`` False: the member has no email address)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="terms_notices", verbose_name=_("member"))
    terms_version = models.ForeignKey(
        TermsVersion, on_delete=models.PROTECT, related_name="notices", verbose_name=_("terms version")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    emailed = models.BooleanField(_("emailed"), default=False)

    class Meta:
        verbose_name = _("terms notice")
        verbose_name_plural = _("terms notices")
        constraints = [models.UniqueConstraint(fields=["member", "terms_version"], name="terms_notice_once_per_member")]
        indexes = [models.Index(fields=["sent_at"], name="terms_notice_unsent_idx", condition=Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        return _("Terms %(version)s announced to %(member)s") % {
            "version": self.terms_version.version,
            "member": self.member.number,
        }


class TermsFirstUse(models.Model):
    """PT3: the date the member first used the service under a terms version (Art. 15: using the service after a
    change is accepting the new version). One row per member and version; a use reported later with an earlier
    date of use moves ``first_used_on`` back, never forward."""

    class How(models.TextChoices):
        LOGIN = "login", _("My Account login")
        BILL = "bill", _("Stay or dining")
        REDEMPTION = "redemption", _("Redemption")
        TRANSFER = "transfer", _("Transfer")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="terms_first_uses", verbose_name=_("member")
    )
    terms_version = models.ForeignKey(
        TermsVersion, on_delete=models.PROTECT, related_name="first_uses", verbose_name=_("terms version")
    )
    first_used_on = models.DateField(_("first used on"))
    how = models.CharField(_("how"), max_length=16, choices=How.choices)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("first use under terms")
        verbose_name_plural = _("first uses under terms")
        constraints = [
            models.UniqueConstraint(fields=["member", "terms_version"], name="terms_first_use_once_per_member")
        ]

    def __str__(self) -> str:
        return _("%(member)s under terms %(version)s from %(date)s") % {
            "member": self.member.number,
            "version": self.terms_version.version,
            "date": self.first_used_on,
        }
