"""The ledger, read-only: entries (append-only), lots, lot consumptions, balance rows and expiry reminders. Staff
correct the ledger with an Adjustment, never by editing an entry."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from loyalty.adminkit import MEMBER_SEARCH, ReadOnlyAdminMixin, ScopedRelatedFieldListFilter, StaffScopeMixin
from loyalty.rulebooks.catalog import describe
from points.models import (
    ExpiryReminder,
    LedgerEntry,
    LotConsumption,
    MemberBalance,
    PointLot,
)


def entry_cause(entry: LedgerEntry) -> str:
    """What moved the points of a ledger entry (bill, adjustment, refund, ...), in words."""
    if entry.refund_id:
        return f"refund #{entry.refund_id} of bill {entry.bill.hotel.code} {entry.bill.number}"
    if entry.bill_id:
        return f"bill {entry.bill.hotel.code} {entry.bill.number}"
    if entry.adjustment_id:
        return f"adjustment #{entry.adjustment_id}"
    if entry.certificate_request_id:
        return f"certificate request #{entry.certificate_request_id}"
    if entry.award_redemption_id:
        return f"award redemption #{entry.award_redemption_id}"
    if entry.transfer_id:
        return f"transfer #{entry.transfer_id}"
    if entry.job_run_id:
        return f"job run #{entry.job_run_id}"
    if entry.lot_id:
        return f"lot #{entry.lot_id}"
    return "—"


# --- The ledger (read-only) -----------------------------------------------------------------------------------


class _LedgerAdmin(StaffScopeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    program_path = "member__program"
    search_fields = MEMBER_SEARCH
    show_full_result_count = False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_LedgerAdmin):
    list_display = (
        "effective_on",
        "member",
        "kind",
        "points",
        "pending",
        "used_on",
        "cause",
        "reason_in_words",
        "created_by",
    )
    list_filter = ("kind", ("member__program", ScopedRelatedFieldListFilter))
    list_select_related = ("member", "bill__hotel", "created_by")
    date_hierarchy = "effective_on"
    readonly_fields = ("cause", "reason_in_words")

    @admin.display(description=_("cause"))
    def cause(self, obj: LedgerEntry) -> str:
        return entry_cause(obj)

    @admin.display(description=_("rule or reason"), ordering="reason")
    def reason_in_words(self, obj: LedgerEntry) -> str:
        return describe(obj.reason) if obj.reason else ""


@admin.register(PointLot)
class PointLotAdmin(_LedgerAdmin):
    list_display = ("member", "state", "points", "remaining", "used_on", "posts_on", "expires_on")
    list_filter = ("state",)
    list_select_related = ("member",)
    date_hierarchy = "expires_on"


@admin.register(LotConsumption)
class LotConsumptionAdmin(_LedgerAdmin):
    program_path = "entry__member__program"
    search_fields = ("=entry__member__cards__number", "=entry__member__number")
    list_display = ("entry", "lot", "points", "settles")


@admin.register(MemberBalance)
class MemberBalanceAdmin(_LedgerAdmin):
    list_display = ("member", "posted", "pending", "updated_at")
    list_select_related = ("member",)


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(_LedgerAdmin):
    """EX6: the reminders the job sent (one per member and expiry date)."""

    list_display = ("member", "expires_on", "points", "sent_at", "emailed", "job_run")
    list_filter = ("emailed",)
    list_select_related = ("member", "job_run")
    date_hierarchy = "expires_on"
