"""Bills as received from the hotels (read-only), with their rooms, charges, checks, payments, units, exclusions
(rule IDs in words) and refunds; room nights (SH1) and qualification credits (ST3)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from loyalty.adminkit import (
    MEMBER_SEARCH,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ScopedRelatedFieldListFilter,
    StaffScopeMixin,
)
from loyalty.rulebooks.catalog import describe
from points.models import (
    Bill,
    BillCharge,
    BillCheck,
    BillExclusion,
    BillPayment,
    BillRefund,
    BillRoom,
    BillUnit,
    EarnedRoomNight,
    LedgerEntry,
    QualificationCredit,
    StayNight,
)

# --- Bills (read-only: they come from the hotels through the API) ---------------------------------------------


class BillUnitInline(ReadOnlyInline):
    model = BillUnit
    fields = ("position", "label", "kind", "date", "eligible_amount", "points", "bonus_points")


class BillExclusionInline(ReadOnlyInline):
    model = BillExclusion
    fields = ("position", "rule_in_words", "amount", "detail", "unit")

    @admin.display(description=_("rule"))
    def rule_in_words(self, obj: BillExclusion) -> str:
        return describe(obj.rule)


class BillPaymentInline(ReadOnlyInline):
    model = BillPayment
    fields = ("method", "amount")


class BillChargeInline(ReadOnlyInline):
    model = BillCharge
    fields = ("date", "room", "room_check", "category", "amount", "tax_service")


class BillRoomInline(ReadOnlyInline):
    model = BillRoom
    fields = ("room", "member_room", "for_points", "members")


class BillCheckInline(ReadOnlyInline):
    model = BillCheck
    fields = ("outlet", "number", "date")


class BillRefundInline(ReadOnlyInline):
    model = BillRefund
    fields = ("created_at", "amount", "points_retracted", "created_by")


class BillEntryInline(ReadOnlyInline):
    model = LedgerEntry
    fk_name = "bill"
    fields = ("effective_on", "kind", "points", "pending", "used_on", "reason_in_words", "refund")
    verbose_name_plural = _("ledger entries of the bill")

    @admin.display(description=_("rule or reason"))
    def reason_in_words(self, obj: LedgerEntry) -> str:
        return describe(obj.reason) if obj.reason else ""


@admin.register(Bill)
class BillAdmin(StaffScopeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """A settled billing as the hotel reported it, what it earned, and why the rest did not (exclusions in words)."""

    program_path = "hotel__program"
    hotel_path = "hotel"
    list_display = (
        "paid_on",
        "hotel",
        "number",
        "member",
        "kind",
        "total_amount",
        "eligible_amount",
        "points",
        "bonus_points",
        "posts_on",
        "refunded_amount",
    )
    list_filter = (
        ("hotel__program", ScopedRelatedFieldListFilter),
        "kind",
        ("hotel", ScopedRelatedFieldListFilter),
        "paid_on",
    )
    list_select_related = ("hotel", "member")
    search_fields = ("=number", "=hotel__code", "=member__cards__number", "=card_number")
    search_help_text = _("Bill number, hotel code, or any card number of the member.")
    date_hierarchy = "paid_on"
    show_full_result_count = False
    inlines = (
        BillUnitInline,
        BillExclusionInline,
        BillPaymentInline,
        BillChargeInline,
        BillRoomInline,
        BillCheckInline,
        BillRefundInline,
        BillEntryInline,
    )
    fieldsets = (
        (None, {"fields": (("hotel", "number"), ("member", "card_number"), ("kind", "outlet"), "paid_on")}),
        (
            _("Conditions (NE4, NX5-NX10, NE8, OE3)"),
            {
                "fields": (
                    "reservation_channel",
                    "settlement",
                    ("card_presented", "paid_by_member"),
                    ("with_banquet", "wedding", "other_hotel_program"),
                )
            },
        ),
        (
            _("Outcome"),
            {
                "fields": (
                    ("total_amount", "eligible_amount"),
                    ("points", "bonus_points", "status_on_use"),
                    ("nights", "arrival_on", "departure_on"),
                    ("posts_on", "expires_on"),
                    "refunded_amount",
                )
            },
        ),
        (
            _("As received"),
            {"classes": ("collapse",), "fields": ("source", "received_at", "payload", "response", "fingerprint")},
        ),
    )


class _BillPartAdmin(StaffScopeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    program_path = "bill__hotel__program"
    hotel_path = "bill__hotel"
    list_select_related = ("bill__hotel",)
    search_fields = ("=bill__number", "=bill__hotel__code")


@admin.register(BillUnit)
class BillUnitAdmin(_BillPartAdmin):
    list_display = ("bill", "position", "label", "eligible_amount", "points", "bonus_points")
    list_filter = ("kind",)


@admin.register(BillExclusion)
class BillExclusionAdmin(_BillPartAdmin):
    list_display = ("bill", "position", "rule_in_words", "amount", "detail")
    list_filter = ("rule",)

    @admin.display(description=_("rule"), ordering="rule")
    def rule_in_words(self, obj: BillExclusion) -> str:
        return describe(obj.rule)


@admin.register(BillPayment)
class BillPaymentAdmin(_BillPartAdmin):
    list_display = ("bill", "method", "amount")
    list_filter = ("method",)


@admin.register(BillCharge)
class BillChargeAdmin(_BillPartAdmin):
    list_display = ("bill", "date", "room", "category", "amount", "tax_service")
    list_filter = ("category",)


@admin.register(BillRoom)
class BillRoomAdmin(_BillPartAdmin):
    list_display = ("bill", "room", "member_room", "for_points")


@admin.register(BillCheck)
class BillCheckAdmin(_BillPartAdmin):
    list_display = ("bill", "outlet", "number", "date")
    list_select_related = ("bill__hotel", "outlet__hotel")


@admin.register(BillRefund)
class BillRefundAdmin(_BillPartAdmin):
    """R1: refunds retract the points of the refunded part; they come through the API."""

    list_display = ("bill", "amount", "lines", "points_retracted", "created_at", "created_by")
    list_select_related = ("bill__hotel", "created_by")


@admin.register(EarnedRoomNight)
class EarnedRoomNightAdmin(StaffScopeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """NE6: the room nights that earned, one bill per hotel room and night (members sharing a room)."""

    program_path = "hotel__program"
    hotel_path = "hotel"
    list_display = ("hotel", "room", "night_of", "bill")
    list_filter = (("hotel", ScopedRelatedFieldListFilter),)
    list_select_related = ("hotel", "bill__hotel")
    search_fields = ("=room", "=bill__number")
    date_hierarchy = "night_of"
    show_full_result_count = False


@admin.register(StayNight)
class StayNightAdmin(StaffScopeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """SH1: one room night per member and date."""

    program_path = "member__program"
    hotel_path = "hotel"
    list_display = ("member", "night_of", "hotel", "bill")
    list_filter = (("hotel", ScopedRelatedFieldListFilter),)
    list_select_related = ("member", "hotel", "bill__hotel")
    search_fields = MEMBER_SEARCH
    date_hierarchy = "night_of"
    show_full_result_count = False


# --- Status qualification, adjustments ------------------------------------------------------------------------


@admin.register(QualificationCredit)
class QualificationCreditAdmin(StaffScopeMixin, admin.ModelAdmin):
    """ST3 legacy-import credits and merge credits toward a qualification year."""

    program_path = "member__program"
    list_display = ("member", "year", "credited_on", "points", "nights", "source")
    list_filter = ("year",)
    list_select_related = ("member",)
    search_fields = MEMBER_SEARCH
    raw_id_fields = ("member",)
