"""Programs and their effective-dated settings (PT1: every rulebook Default), terms versions, membership
categories (M10) and number series (M1)."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from loyalty.adminkit import (
    EMPTY,
    HistoryAdmin,
    ModelAdmin,
    ReadOnlyAdminMixin,
    ScopedRelatedFieldListFilter,
    StaffScopeMixin,
)
from members.models import (
    MembershipCategory,
    NumberSeries,
    Program,
    ProgramSettings,
    TermsFirstUse,
    TermsNotice,
    TermsVersion,
)
from members.services.terms import terms_announce

# --- Programs and their settings -----------------------------------------------------------------------------


@admin.register(Program)
class ProgramAdmin(StaffScopeMixin, HistoryAdmin):
    program_path = "pk"
    list_display = ("code", "name", "office_name", "number_digits", "started_on", "ended_on")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        return ("code", "number_digits") if obj else ()


# The settings that are lists of the bill's codes: ticked by their labels, read as labels (issue 16). The labels are
# the bill's own choices (points: "points.Bill", a model reference, not an import).
CODE_LIST_FIELDS = {
    "earning_channels": ("Bill", "reservation_channel"),
    "excluded_categories": ("BillCharge", "category"),
}


def code_choices(name: str) -> list[tuple[str, str]]:
    model, field = CODE_LIST_FIELDS[name]
    choices = apps.get_model("points", model)._meta.get_field(field).choices
    return sorted(choices, key=lambda choice: str(choice[1]))


def _labels(name: str, codes) -> str:
    labels = dict(code_choices(name))
    return ", ".join(str(labels.get(code, code)) for code in codes or []) or EMPTY


@admin.register(ProgramSettings)
class ProgramSettingsAdmin(StaffScopeMixin, HistoryAdmin):
    """PT1: every Default of the rulebook is a row the office edits; a new row with a later date changes the rules
    from that date on, and a past bill keeps being judged by the row of its date. The lists of codes (reservation
    channels, charge categories) are ticked and read by their labels."""

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
                    "certificate_max_per_request",
                )
            },
        ),
        (
            _("Service (A5, R1, maker-checker, T1-T5, OR1)"),
            {
                "fields": (
                    "family_transfers",
                    "released_points_grace_days",
                    "claim_window_months",
                    "expiry_reminder_days",
                    "adjustment_approval_threshold",
                    ("adjustment_member_window_days", "adjustment_requester_window_days"),  # issue 14
                    "point_value_yen",
                )
            },
        ),
    )
    readonly_fields = ("earning_channels_labels", "excluded_categories_labels")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in CODE_LIST_FIELDS:
            return forms.MultipleChoiceField(
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
                required=False,
                choices=code_choices(db_field.name),
                widget=UnfoldAdminCheckboxSelectMultipleWidget,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # read only (a clerk): the lists by their labels
        swap = {name: f"{name}_labels" for name in CODE_LIST_FIELDS}
        return [
            (title, {**options, "fields": tuple(swap.get(name, name) for name in options["fields"])})
            for title, options in fieldsets
        ]

    @admin.display(description=_("reservation channels that earn"))
    def earning_channels_labels(self, obj: ProgramSettings) -> str:
        return _labels("earning_channels", obj.earning_channels)

    @admin.display(description=_("excluded charge categories"))
    def excluded_categories_labels(self, obj: ProgramSettings) -> str:
        return _labels("excluded_categories", obj.excluded_categories)

    def history_labels(self, request) -> dict:
        return {name: dict(code_choices(name)) for name in CODE_LIST_FIELDS}


@admin.register(TermsVersion)
class TermsVersionAdmin(StaffScopeMixin, HistoryAdmin):
    """PT1, PT3: terms versions; "Announce to members" emails the new version to every open membership (once per
    member: announcing again reaches only members added since)."""

    program_path = "program"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("program", "version", "effective_from", "url", "announced_at")
    readonly_fields = ("announced_at",)
    actions = ["announce"]

    @admin.action(description=_("Announce to members (PT3)"), permissions=["change"])
    def announce(self, request, queryset):
        for version in queryset.select_related("program"):
            added = terms_announce(version=version, by=request.user)
            self.message_user(
                request,
                _("%(version)s: announced to %(n)d more members; the emails are on their way.")
                % {"version": version, "n": added},
                messages.SUCCESS,
            )

    list_filter = (("program", ScopedRelatedFieldListFilter),)
    list_select_related = ("program",)


@admin.register(MembershipCategory)
class MembershipCategoryAdmin(StaffScopeMixin, HistoryAdmin):
    """M10, T4: each category says which services it allows."""

    program_path = "program"
    list_display = ("program", "code", "name", "allows_family_transfer")
    list_filter = (("program", ScopedRelatedFieldListFilter), "allows_family_transfer")
    list_select_related = ("program",)


@admin.register(NumberSeries)
class NumberSeriesAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    """M1: the counter of membership numbers; never edited (a number is never reused)."""

    program_path = "program"
    list_display = ("program", "next_serial")
    list_select_related = ("program",)


@admin.register(TermsNotice)
class TermsNoticeAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    """PT3: the announcement of a terms version to each member (one row per member and version)."""

    program_path = "member__program"
    list_display = ("terms_version", "member", "created_at", "sent_at", "emailed")
    list_filter = ("emailed",)
    list_select_related = ("terms_version__program", "member")
    search_fields = ("=member__number",)


@admin.register(TermsFirstUse)
class TermsFirstUseAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    """PT3: the date each member first used the service under a terms version (Art. 15: accepted then)."""

    program_path = "member__program"
    list_display = ("terms_version", "member", "first_used_on", "how", "recorded_at")
    list_filter = ("how",)
    list_select_related = ("terms_version__program", "member")
    search_fields = ("=member__number",)
