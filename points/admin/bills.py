"""Bills as received from the hotels (read-only), with their rooms, charges, checks, payments, units, exclusions
(rule IDs in words) and refunds; room nights (SH1) and qualification credits (ST3)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from loyalty.adminkit import (
    MEMBER_SEARCH,
    ModelAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ScopedRelatedFieldListFilter,
    StaffScopeMixin,
    number,
    signed,
    yen,
)
from loyalty.rulebooks.catalog import describe
from members.models import Tier
from points.admin.codes import code_label
from points.admin.ledger import reason_in_words
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


def position_from_1(obj) -> int:
    """Rows are counted from 1 for people (stored from 0, as the rulebook numbers them)."""
    return obj.position + 1


class BillUnitInline(ReadOnlyInline):
    model = BillUnit
    fields = ("number", "label", "kind", "date", "eligible_yen", "points", "bonus_points")

    @admin.display(description=_("position"))
    def number(self, obj: BillUnit) -> int:
        return position_from_1(obj)

    @admin.display(description=_("eligible amount"))
    def eligible_yen(self, obj: BillUnit) -> str:
        return yen(obj.eligible_amount)


class BillExclusionInline(ReadOnlyInline):
    model = BillExclusion
    fields = ("number", "rule_in_words", "amount_yen", "detail", "unit")

    @admin.display(description=_("amount"))
    def amount_yen(self, obj: BillExclusion) -> str:
        return yen(obj.amount)

    @admin.display(description=_("position"))
    def number(self, obj: BillExclusion) -> int:
        return position_from_1(obj)

    @admin.display(description=_("rule"))
    def rule_in_words(self, obj: BillExclusion) -> str:
        return describe(obj.rule, get_language())


class BillPaymentInline(ReadOnlyInline):
    model = BillPayment
    fields = ("method_label", "amount_yen")

    @admin.display(description=_("method"))
    def method_label(self, obj: BillPayment) -> str:
        return code_label(obj.method)

    @admin.display(description=_("amount"))
    def amount_yen(self, obj: BillPayment) -> str:
        return yen(obj.amount)


class BillChargeInline(ReadOnlyInline):
    model = BillCharge
    fields = ("date", "room", "room_check", "category_label", "amount_yen", "tax_service_yen")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("room_check")

    @admin.display(description=_("category"))
    def category_label(self, obj: BillCharge) -> str:
        return code_label(obj.category)

    @admin.display(description=_("amount"))
    def amount_yen(self, obj: BillCharge) -> str:
        return yen(obj.amount)

    @admin.display(description=_("tax and service"))
    def tax_service_yen(self, obj: BillCharge) -> str:
        return yen(obj.tax_service)


class BillRoomInline(ReadOnlyInline):
    model = BillRoom
    fields = ("room", "member_room", "for_points", "other_members")

    @admin.display(description=_("other members in the room"))
    def other_members(self, obj: BillRoom) -> str:
        return ", ".join(str(m) for m in obj.members or []) or "—"


class BillCheckInline(ReadOnlyInline):
    model = BillCheck
    fields = ("outlet", "number", "date")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("outlet__hotel")


class BillRefundInline(ReadOnlyInline):
    model = BillRefund
    fields = ("created_at", "amount_yen", "points_retracted", "created_by")

    @admin.display(description=_("amount refunded"))
    def amount_yen(self, obj: BillRefund) -> str:
        return yen(obj.amount)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class BillEntryInline(ReadOnlyInline):
    model = LedgerEntry
    fk_name = "bill"
    fields = ("effective_on", "kind", "posted", "pending_points", "used_on", "reason_in_words", "refund_text")
    verbose_name_plural = _("ledger entries of the bill")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("refund")

    @admin.display(description=_("posted points"))
    def posted(self, obj: LedgerEntry) -> str:
        return signed(obj.points)

    @admin.display(description=_("pending points"))
    def pending_points(self, obj: LedgerEntry) -> str:
        return signed(obj.pending)

    @admin.display(description=_("rule or reason"))
    def reason_in_words(self, obj: LedgerEntry) -> str:
        return reason_in_words(obj.reason)

    @admin.display(description=_("refund"))
    def refund_text(self, obj: LedgerEntry) -> str:
        if obj.refund_id is None:
            return "—"
        return _("refund of %(yen)s") % {"yen": yen(obj.refund.amount)}


@admin.register(Bill)
class BillAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    """A settled billing as the hotel reported it, what it earned, and why the rest did not (exclusions in words)."""

    program_path = "hotel__program"
    hotel_path = "hotel"
    # Fits 1024 px: the hotel by its code, base and bonus points in one column, the refund only when there is one.
    list_display = (
        "paid_on",
        "hotel_code",
        "number",
        "member_number",
        "kind",
        "total_yen",
        "points_in_words",
        "posts_on",
        "refunded_yen",
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
                    "reservation_channel_label",
                    "settlement_label",
                    ("card_presented", "paid_by_member"),
                    ("with_banquet", "wedding", "other_hotel_program"),
                )
            },
        ),
        (
            _("Outcome"),
            {
                "fields": (
                    ("total_yen", "eligible_yen"),
                    ("points", "bonus_points", "status_label"),
                    ("nights", "arrival_on", "departure_on"),
                    ("posts_on", "expires_on"),
                    "refunded_yen",
                )
            },
        ),
        (
            _("As received"),
            {"classes": ("collapse",), "fields": ("source", "received_at", "payload", "response", "fingerprint")},
        ),
    )

    readonly_fields = (
        "reservation_channel_label",
        "settlement_label",
        "total_yen",
        "eligible_yen",
        "refunded_yen",
        "status_label",
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # the request and answer as exchanged with the hotel (JSON, codes, a hash) are for the superusers who look
        # into an integration; the office reads the bill above, in words
        return [(title, options) for title, options in fieldsets if "payload" not in options["fields"]]

    @admin.display(description=_("hotel"), ordering="hotel__code")
    def hotel_code(self, obj: Bill):
        return format_html('<span title="{}">{}</span>', obj.hotel.name, obj.hotel.code)

    @admin.display(description=_("member"), ordering="member__number")
    def member_number(self, obj: Bill):
        return format_html("{}<br>{} {}", obj.member.number, obj.member.family_name, obj.member.given_name)

    @admin.display(description=_("points (base + bonus)"), ordering="points")
    def points_in_words(self, obj: Bill) -> str:
        if obj.bonus_points:
            return f"{number(obj.points)} + {number(obj.bonus_points)}"
        return number(obj.points)

    @admin.display(description=_("status on the date of use"))
    def status_label(self, obj: Bill) -> str:
        try:
            return str(Tier(obj.status_on_use).label)
        except ValueError:
            return obj.status_on_use or "—"

    @admin.display(description=_("reservation channel"))
    def reservation_channel_label(self, obj: Bill) -> str:
        return code_label(obj.reservation_channel)

    @admin.display(description=_("settlement"))
    def settlement_label(self, obj: Bill) -> str:
        return code_label(obj.settlement)

    @admin.display(description=_("total paid"), ordering="total_amount")
    def total_yen(self, obj: Bill) -> str:
        return yen(obj.total_amount)

    @admin.display(description=_("eligible amount"), ordering="eligible_amount")
    def eligible_yen(self, obj: Bill) -> str:
        return yen(obj.eligible_amount)

    @admin.display(description=_("refunded"), ordering="refunded_amount")
    def refunded_yen(self, obj: Bill) -> str:
        return yen(obj.refunded_amount) if obj.refunded_amount else "—"


class _BillPartAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    program_path = "bill__hotel__program"
    hotel_path = "bill__hotel"
    list_select_related = ("bill__hotel",)
    search_fields = ("=bill__number", "=bill__hotel__code")


@admin.register(BillUnit)
class BillUnitAdmin(_BillPartAdmin):
    list_display = ("bill", "number", "label", "kind", "eligible_yen", "points", "bonus_points")

    @admin.display(description=_("position"), ordering="position")
    def number(self, obj: BillUnit) -> int:
        return position_from_1(obj)

    @admin.display(description=_("eligible amount"), ordering="eligible_amount")
    def eligible_yen(self, obj: BillUnit) -> str:
        return yen(obj.eligible_amount)

    list_filter = ("kind",)


@admin.register(BillExclusion)
class BillExclusionAdmin(_BillPartAdmin):
    list_display = ("bill", "number", "rule_in_words", "amount_yen", "detail")

    @admin.display(description=_("amount"), ordering="amount")
    def amount_yen(self, obj: BillExclusion) -> str:
        return yen(obj.amount)

    @admin.display(description=_("position"), ordering="position")
    def number(self, obj: BillExclusion) -> int:
        return position_from_1(obj)

    list_filter = ("rule",)

    @admin.display(description=_("rule"), ordering="rule")
    def rule_in_words(self, obj: BillExclusion) -> str:
        return describe(obj.rule, get_language())


@admin.register(BillPayment)
class BillPaymentAdmin(_BillPartAdmin):
    list_display = ("bill", "method_label", "amount_yen")
    list_filter = ("method",)

    @admin.display(description=_("method"), ordering="method")
    def method_label(self, obj: BillPayment) -> str:
        return code_label(obj.method)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_yen(self, obj: BillPayment) -> str:
        return yen(obj.amount)


@admin.register(BillCharge)
class BillChargeAdmin(_BillPartAdmin):
    list_display = ("bill", "date", "room", "category_label", "amount_yen", "tax_service_yen")
    list_filter = ("category",)

    @admin.display(description=_("category"), ordering="category")
    def category_label(self, obj: BillCharge) -> str:
        return code_label(obj.category)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_yen(self, obj: BillCharge) -> str:
        return yen(obj.amount)

    @admin.display(description=_("tax and service"), ordering="tax_service")
    def tax_service_yen(self, obj: BillCharge) -> str:
        return yen(obj.tax_service)


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

    list_display = ("bill", "amount_yen", "points_retracted", "created_at", "created_by")
    list_select_related = ("bill__hotel", "created_by")

    @admin.display(description=_("amount refunded"), ordering="amount")
    def amount_yen(self, obj: BillRefund) -> str:
        return yen(obj.amount)


@admin.register(EarnedRoomNight)
class EarnedRoomNightAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
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
class StayNightAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
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
class QualificationCreditAdmin(StaffScopeMixin, ModelAdmin):
    """ST3 legacy-import credits and merge credits toward a qualification year."""

    one_shot = True  # issue 14: every POST of its forms and actions is one-shot (loyalty.oneshot)

    program_path = "member__program"
    list_display = ("member", "year", "credited_on", "points", "nights", "source")
    list_filter = ("year",)
    list_select_related = ("member",)
    search_fields = MEMBER_SEARCH
    autocomplete_fields = ("member",)
