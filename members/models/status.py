"""One Harmony status (ST1): the tiers and the periods a member holds one."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .members import Member


class Tier(models.TextChoices):
    """One Harmony tiers (ST1), lowest first: the order of declaration is the order of the tiers, and every
    comparison of tiers (in Python, in the ORM, in SQL) reads it from here. New Otani members are always ``member``."""

    MEMBER = "member", _("Member")
    LOYAL = "loyal", _("Loyal")
    EXCLUSIVE = "exclusive", _("Exclusive")

    @property
    def rank(self) -> int:
        """0 for ``member``, higher for a higher tier."""
        return list(Tier).index(self)

    @classmethod
    def rank_expression(cls, field: str = "tier") -> models.Case:
        """The rank of the tier in ``field``, for the ORM (annotate, order by)."""
        whens = [models.When(**{field: tier}, then=models.Value(tier.rank)) for tier in cls]
        return models.Case(*whens, default=models.Value(0), output_field=models.IntegerField())

    @classmethod
    def rank_sql(cls, column: str) -> str:
        """The rank of the tier in ``column``, for hand-written SQL (the values are this enum's own constants)."""
        whens = " ".join(f"WHEN '{tier.value}' THEN {tier.rank}" for tier in cls)
        return f"CASE {column} {whens} ELSE 0 END"


class StatusPeriod(models.Model):
    """A One Harmony status and its validity (ST1): earned in ``qualification_year``, valid April 1 to March 31.

    The status in force on a date is the highest tier whose period covers it; ``member`` otherwise.
    """

    class Source(models.TextChoices):
        QUALIFICATION = "qualification", _("Yearly qualification")
        MIGRATION = "migration", _("2013 migration (ST3)")
        MERGE = "merge", _("Merge (M8)")
        OFFICE = "office", _("Office decision")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="status_periods", verbose_name=_("member")
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    qualification_year = models.PositiveSmallIntegerField(_("qualification year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.QUALIFICATION)
    job_run = models.ForeignKey(
        "points.JobRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("job run")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["member", "-valid_from"]
        verbose_name = _("status period")
        verbose_name_plural = _("status periods")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="status_period_order"),
            models.UniqueConstraint(
                fields=["member", "qualification_year", "source"], name="status_one_per_member_year_source"
            ),
        ]
        indexes = [models.Index(fields=["member", "valid_from", "valid_until"], name="status_lookup_idx")]

    def __str__(self) -> str:
        return _("%(member)s: %(tier)s from %(start)s to %(end)s") % {
            "member": self.member.number,
            "tier": self.get_tier_display(),
            "start": self.valid_from,
            "end": self.valid_until,
        }
