"""Runs of the scheduled jobs (J1-J5) and the expiry reminders they send (EX6)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of a scheduled job for an as-of date (J1-J5). Unique per job, program and date."""

    class Job(models.TextChoices):
        POST = "post_points", _("Post pending points (J1)")
        EXPIRE = "expire_points", _("Expire points (J2, J3)")
        QUALIFY = "qualify_status", _("Qualify status (J4)")
        REMIND = "remind_expiry", _("Expiry reminders")
        RECONCILE = "reconcile_ledger", _("Reconcile the ledger (J5)")

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    job = models.CharField(_("job"), max_length=20, choices=Job.choices)
    program = models.ForeignKey(
        "members.Program", on_delete=models.PROTECT, related_name="job_runs", verbose_name=_("program")
    )
    as_of = models.DateField(_("as of"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-as_of", "job"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        constraints = [models.UniqueConstraint(fields=["job", "program", "as_of"], name="job_run_once_per_date")]

    def __str__(self) -> str:
        return f"{self.get_job_display()} {self.as_of:%Y-%m-%d} ({self.get_state_display()})"


class ExpiryReminder(models.Model):
    """One reminder per member and expiry date (EX6): points lapsing within the reminder window (Default 60 days)."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="expiry_reminders", verbose_name=_("member")
    )
    expires_on = models.DateField(_("points valid through"))
    points = models.PositiveIntegerField(_("points lapsing"))
    job_run = models.ForeignKey(JobRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("job run"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    emailed = models.BooleanField(_("emailed"), default=False, help_text=_("False: the member has no email."))

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [models.UniqueConstraint(fields=["member", "expires_on"], name="reminder_once_per_expiry_date")]
        indexes = [models.Index(fields=["sent_at"], name="reminder_unsent_idx", condition=Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        return _("%(points)s points of %(member)s expiring after %(date)s") % {
            "points": f"{self.points:,}",
            "member": self.member.number,
            "date": self.expires_on,
        }
