"""Memberships (M1-M10): one per person and program, with families (T1), closing (M9) and merging (M8);
name change requests (M7).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from loyalty.emails import MemberEmailField

from .programs import MembershipCategory, Program
from .users import User


class Member(models.Model):
    """A membership of one program (a person in both programs has two). M1: the number is never reused."""

    class Channel(models.TextChoices):
        FRONT_DESK = "front_desk", _("Hotel front desk")
        OFFICE = "office", _("Office")
        WEBSITE = "website", _("Website")
        MIGRATION = "migration", _("Legacy migration")

    class Language(models.TextChoices):
        """The language of the member's emails and My Account (settings.LANGUAGES), shown by its name."""

        ENGLISH = "en", _("English")
        JAPANESE = "ja", _("Japanese")

    class ClosedReason(models.TextChoices):
        WITHDRAWN = "withdrawn", _("Withdrawn by the member")
        CANCELLED = "cancelled", _("Cancelled")
        FRAUD = "fraud", _("Forgery or fraud")
        MERGED = "merged", _("Merged into another membership")
        PROGRAM_ENDED = "program_ended", _("Program ended")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="members", verbose_name=_("program"))
    number = models.CharField(_("membership number"), max_length=20)
    user = models.OneToOneField(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="member", verbose_name=_("login")
    )
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    email = MemberEmailField(_("email"), blank=True, help_text=_("M3: required unless the office enrolls."))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    address = models.TextField(_("address"), blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH)
    enrolled_on = models.DateField(_("enrolled on"), help_text=_("M3: benefits start that day (OE1)."))
    admitted_on = models.DateField(
        _("admitted on"), null=True, blank=True, help_text=_("M6 New Otani: the card was received and signed.")
    )
    enrolled_at = models.ForeignKey(
        "points.Hotel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled at hotel"),
    )
    channel = models.CharField(_("enrolled through"), max_length=16, choices=Channel.choices, default=Channel.OFFICE)
    category = models.ForeignKey(
        MembershipCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("category"),
    )
    family_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="family_members",
        verbose_name=_("family member of"),
        help_text=_("T1: the principal member of this family."),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.CharField(_("closed because"), max_length=16, choices=ClosedReason.choices, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_members",
        verbose_name=_("merged into"),
        help_text=_("M8"),
    )
    duplicate_candidate = models.BooleanField(
        _("possible duplicate"), default=False, help_text=_("M8: found in both OCI and MYJ files.")
    )
    email_duplicate = models.BooleanField(
        _("email shared with another open membership"),
        default=False,
        editable=False,
        help_text=_("A1: recorded when the one-email rule came in; the office resolves it (email duplicates)."),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["program", "number"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="member_number_unique_in_program"),  # M1
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, closed_reason="")
                | Q(closed_on__isnull=False) & ~Q(closed_reason=""),
                name="member_closed_has_reason",
            ),
            models.CheckConstraint(condition=~Q(family_of=models.F("id")), name="member_not_own_family"),
            # A1: an email is a login name: one open membership per email (any case) and program.
            models.UniqueConstraint(
                Lower("email"),
                "program",
                condition=Q(closed_on__isnull=True, email_duplicate=False) & ~Q(email=""),
                name="member_one_open_per_email",
            ),
        ]
        indexes = [
            models.Index(fields=["email"], name="member_email_idx"),
            models.Index(fields=["family_name", "given_name"], name="member_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.family_name} {self.given_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def clean(self):
        # Issue 14, A1: a staff login is never a member's login (a PostgreSQL trigger holds it too, members 0014).
        super().clean()
        if self.user_id and User.objects.filter(pk=self.user_id).filter(Q(is_staff=True) | Q(is_superuser=True)):
            from django.core.exceptions import ValidationError

            raise ValidationError({"user": _("A staff login cannot be a member's login.")})

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def member_since(self) -> dt.date:
        """The first date a use earns: New Otani admission date (M6, NX13), else enrolment (M3, OE1)."""
        return self.admitted_on or self.enrolled_on


class NameChangeRequest(models.Model):
    """M7: a member asks for a name change; only the office makes it."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Changed")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="name_change_requests", verbose_name=_("member")
    )
    family_name = models.CharField(_("new family name"), max_length=100)
    given_name = models.CharField(_("new given name"), max_length=100)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("answer to the member"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("name change request")
        verbose_name_plural = _("name change requests")

    def __str__(self) -> str:
        return _("Name change of %(member)s to %(family)s %(given)s (%(state)s)") % {
            "member": self.member.number,
            "family": self.family_name,
            "given": self.given_name,
            "state": self.get_state_display(),
        }
