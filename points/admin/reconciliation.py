"""The admin of issue 13's rows: J5's findings and the kept Idempotency-Key answers. Read-only, scoped to the staff
user's program (or hotel) like every other admin."""

from __future__ import annotations

from django.contrib import admin

from loyalty.adminkit import ModelAdmin, ReadOnlyAdminMixin, StaffScopeMixin
from points.models import IdempotencyKey, LedgerMismatch


@admin.register(LedgerMismatch)
class LedgerMismatchAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
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


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    """API.md 1.1: the first answer to each POST sent with an Idempotency-Key, replayed to its retries for 24 hours."""

    program_path = ("token__program", "token__hotel__program")
    hotel_path = "token__hotel"
    list_display = ("created_at", "token", "key", "status")
    list_select_related = ("token",)
    search_fields = ("key",)
    date_hierarchy = "created_at"
