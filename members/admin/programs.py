"""Programs and their effective-dated settings (PT1: every rulebook Default), terms versions, membership
categories (M10) and number series (M1)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from loyalty.adminkit import ReadOnlyAdminMixin, ScopedRelatedFieldListFilter, StaffScopeMixin
from members.models import (
    MembershipCategory,
    NumberSeries,
    Program,
    ProgramSettings,
    TermsVersion,
)

# --- Programs and their settings -----------------------------------------------------------------------------


@admin.register(Program)
class ProgramAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    program_path = "pk"
    list_display = ("code", "name", "office_name", "number_digits", "started_on", "ended_on")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        return ("code", "number_digits") if obj else ()


@admin.register(ProgramSettings)
class ProgramSettingsAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    """PT1: every Default of the rulebook is a row the office edits; a new row with a later date changes the rules
    from that date on, and a past bill keeps being judged by the row of its date."""

    program_path = "program"
    list_display = (
        "program",
        "effective_from",
        "stay_points",
        "stay_per_yen",
        "dining_points",
        "dining_per_yen",
        "posting_delay_days",
    )
    list_filter = (("program", ScopedRelatedFieldListFilter),)
    list_select_related = ("program",)
    date_hierarchy = "effective_from"
    fieldsets = (
        (None, {"fields": ("program", "effective_from")}),
        (
            _("Earning (NE1, OE2, NX2, NE5, NX15, NE7, NE4, OE3, OE5)"),
            {
                "fields": (
                    ("stay_points", "stay_per_yen"),
                    ("dining_points", "dining_per_yen"),
                    "minimum_payment",
                    "max_rooms",
                    "excluded_categories",
                    "posting_delay_days",
                    "earning_channels",
                    "jal_coupon_checks_earn",
                )
            },
        ),
        (
            _("Status (OE6, ST2)"),
            {
                "fields": (
                    ("loyal_bonus_percent", "exclusive_bonus_percent"),
                    ("loyal_points", "loyal_nights"),
                    ("exclusive_points", "exclusive_nights"),
                )
            },
        ),
        (
            _("Reward Certificates (NR1-NR3)"),
            {
                "fields": (
                    ("certificate_points", "certificate_value"),
                    "certificate_validity_months",
                    "certificate_lead_days",
                )
            },
        ),
        (
            _("Service (A5, R1, maker-checker)"),
            {
                "fields": (
                    "claim_window_months",
                    "expiry_reminder_days",
                    "adjustment_approval_threshold",
                    "point_value_yen",
                )
            },
        ),
    )


@admin.register(TermsVersion)
class TermsVersionAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    program_path = "program"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("program", "version", "effective_from", "url")
    list_filter = (("program", ScopedRelatedFieldListFilter),)
    list_select_related = ("program",)


@admin.register(MembershipCategory)
class MembershipCategoryAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    """M10, T4: each category says which services it allows."""

    program_path = "program"
    list_display = ("program", "code", "name", "allows_family_transfer")
    list_filter = (("program", ScopedRelatedFieldListFilter), "allows_family_transfer")
    list_select_related = ("program",)


@admin.register(NumberSeries)
class NumberSeriesAdmin(StaffScopeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """M1: the counter of membership numbers; never edited (a number is never reused)."""

    program_path = "program"
    list_display = ("program", "next_serial")
    list_select_related = ("program",)
