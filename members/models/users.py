"""Logins: members' My Account logins (A1) and staff users, scoped to offices or a hotel's front desk."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .programs import Program


class User(AbstractUser):
    """A login: a member's My Account login, or a staff user of an office or a hotel front desk.

    Staff scope: ``programs`` (office staff, one or both) and ``hotel`` (front desk).
    """

    programs = models.ManyToManyField(Program, blank=True, related_name="staff", verbose_name=_("office of"))
    hotel = models.ForeignKey(
        "points.Hotel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("front desk of"),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
