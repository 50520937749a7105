"""The admin of J5's findings (issue 13): read-only, scoped to the staff user's program like every other admin."""

from __future__ import annotations

from django.contrib import admin

from members.admin import ReadOnlyAdminMixin, StaffScopeMixin

from .models import LedgerMismatch


@admin.register(LedgerMismatch)
class LedgerMismatchAdmin(StaffScopeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """J5: members whose balance row, ledger entries and lots disagree. Corrected with an adjustment, never here."""

    program_path = "member__program"
    list_display = (
        "as_of",
        "member",
        "balance_posted",
        "entries_posted",
        "lots_posted",
        "balance_pending",
        "entries_pending",
        "lots_pending",
        "job_run",
    )
    list_select_related = ("member", "job_run")
    list_filter = ("as_of",)
    search_fields = ("member__number", "member__family_name")
    date_hierarchy = "as_of"
