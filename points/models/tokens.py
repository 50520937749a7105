"""API tokens of the hotels (PMS/POS) and the offices."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .properties import Hotel


class ApiToken(models.Model):
    """A hotel's (PMS/POS) or an office's API token. Only its SHA-256 is stored; it can be revoked."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, help_text=_("The first characters, to recognise it."))
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("key hash"))
    hotel = models.ForeignKey(
        Hotel, on_delete=models.PROTECT, null=True, blank=True, related_name="api_tokens", verbose_name=_("hotel")
    )
    program = models.ForeignKey(
        "members.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_tokens",
        help_text=_("Office token of this program."),
        verbose_name=_("program"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(hotel__isnull=False, program__isnull=True) | Q(hotel__isnull=True, program__isnull=False),
                name="token_hotel_xor_office",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
