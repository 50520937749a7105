"""The ledger, read-only: entries (append-only), lots, lot consumptions, balance rows and expiry reminders. Staff
correct the ledger with an Adjustment, never by editing an entry."""

from __future__ import annotations

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from loyalty.adminkit import (
    MEMBER_SEARCH,
    ModelAdmin,
    ReadOnlyAdminMixin,
    ScopedRelatedFieldListFilter,
    StaffScopeMixin,
    signed,
)
from loyalty.rulebooks.catalog import describe
from points.models import (
    ExpiryReminder,
    LedgerEntry,
    LotConsumption,
    MemberBalance,
    PointLot,
)


def entry_cause(entry: LedgerEntry) -> str:
    """What moved the points of a ledger entry (bill, adjustment, refund, ...), in words, without internal ids.
    Callers select ``bill__hotel``, ``adjustment`` and ``job_run`` with the entry."""
    if entry.refund_id:
        return _("refund of bill %(hotel)s %(number)s") % {"hotel": entry.bill.hotel.code, "number": entry.bill.number}
    if entry.bill_id:
        return _("bill %(hotel)s %(number)s") % {"hotel": entry.bill.hotel.code, "number": entry.bill.number}
    if entry.adjustment_id:
        return _("adjustment: %(reason)s") % {"reason": entry.adjustment.reason}
    if entry.certificate_request_id:
        return _("Reward Certificate request")
    if entry.award_redemption_id:
        return _("award redemption")
    if entry.transfer_id:
        return _("family transfer")
    if entry.job_run_id:
        return _("%(job)s of %(day)s") % {
            "job": entry.job_run.get_job_display(),
            "day": date_format(entry.job_run.as_of, "DATE_FORMAT"),
        }
    if entry.lot_id:
        return _("point lot")
    return "—"


RULEBOOK_NAMES = {"one-harmony": _("One Harmony earning rules"), "new-otani": _("New Otani earning rules")}


def reason_in_words(reason: str) -> str:
    """A rule ID with its sentence ("NX3 — ..."), the rulebook that computed an earn entry, or the free text."""
    if not reason:
        return ""
    if reason in RULEBOOK_NAMES:
        return str(RULEBOOK_NAMES[reason])
    return describe(reason, get_language())


# --- The ledger (read-only) -----------------------------------------------------------------------------------


class _LedgerAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    program_path = "member__program"
    search_fields = MEMBER_SEARCH
    show_full_result_count = False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_LedgerAdmin):
    list_display = (
        "effective_on",
        "member",
        "kind",
        "posted",
        "pending_points",
        "used_on",
        "cause",
        "reason_in_words",
    )
    list_filter = ("kind", ("member__program", ScopedRelatedFieldListFilter))
    list_select_related = ("member", "bill__hotel", "created_by", "adjustment", "job_run")
    date_hierarchy = "effective_on"
    readonly_fields = ("cause", "reason_in_words")

    @admin.display(description=_("cause"))
    def cause(self, obj: LedgerEntry) -> str:
        return entry_cause(obj)

    @admin.display(description=_("posted points"), ordering="points")
    def posted(self, obj: LedgerEntry) -> str:
        return signed(obj.points)

    @admin.display(description=_("pending points"), ordering="pending")
    def pending_points(self, obj: LedgerEntry) -> str:
        return signed(obj.pending)

    @admin.display(description=_("rule or reason"), ordering="reason")
    def reason_in_words(self, obj: LedgerEntry) -> str:
        return reason_in_words(obj.reason)


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
    list_select_related = ("entry", "lot", "settles")


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
