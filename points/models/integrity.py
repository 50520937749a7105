"""Models of issue 13 ("points move once"): the API's idempotency keys and the ledger's reconciliation (J5).

Re-exported by ``points/models/__init__.py`` like every other model family.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """API.md 1.1 ``Idempotency-Key``: the first answer to a POST, per token and key, replayed to every retry within
    24 hours (Default). The row is inserted before the request is handled and committed with its answer in the same
    transaction, so a concurrent duplicate waits on the unique index and then replays (``points.api.idempotency``).
    """

    token = models.ForeignKey(
        "points.ApiToken", on_delete=models.CASCADE, related_name="+", verbose_name=_("API token")
    )
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64, help_text=_("SHA-256 of path and body."))
    status = models.PositiveSmallIntegerField(_("status of the answer"))
    body = models.TextField(_("body of the answer"), blank=True)
    created_at = models.DateTimeField(_("first received"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="idempotency_key_once_per_token")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created_idx")]

    def __str__(self) -> str:
        return f"{self.token.name}: {self.key} ({self.status})"


class LedgerMismatch(models.Model):
    """J5: a member whose balance row, ledger entries and lots disagree, as found by a reconciliation run. The
    ledger's invariant (ARCHITECTURE.md): ``posted == SUM(entries.points) == SUM(posted lots.remaining)`` and
    ``pending == SUM(entries.pending) == SUM(pending lots.remaining)``. Written only by the job; read-only in the
    admin."""

    job_run = models.ForeignKey(
        "points.JobRun", on_delete=models.PROTECT, related_name="mismatches", verbose_name=_("job run")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="ledger_mismatches", verbose_name=_("member")
    )
    as_of = models.DateField(_("as of"))
    balance_posted = models.IntegerField(_("balance row: posted"))
    balance_pending = models.IntegerField(_("balance row: pending"))
    entries_posted = models.BigIntegerField(_("entries: posted"))
    entries_pending = models.BigIntegerField(_("entries: pending"))
    lots_posted = models.BigIntegerField(_("lots: posted remaining"))
    lots_pending = models.BigIntegerField(_("lots: pending remaining"))
    found_at = models.DateTimeField(_("found at"), default=timezone.now)

    class Meta:
        ordering = ["-as_of", "member_id"]
        verbose_name = _("ledger mismatch")
        verbose_name_plural = _("ledger mismatches")
        constraints = [models.UniqueConstraint(fields=["job_run", "member"], name="mismatch_once_per_run")]

    def __str__(self) -> str:
        return _("%(member)s on %(date)s: balance %(posted)s posted, %(pending)s pending") % {
            "member": self.member.number,
            "date": self.as_of,
            "posted": f"{self.balance_posted:,}",
            "pending": f"{self.balance_pending:,}",
        }
