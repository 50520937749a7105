"""The back office for what points are spent on: the One Harmony award catalog (OR1), award redemptions, New Otani
Reward Certificates (NR1-NR3) and family transfers (T1-T5).

Redemptions, certificate requests and transfers move points, so they are made through the services (API, My
Account) and are read-only here. Certificates change state at the hotel (ready, handed over, used).
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from members.admin import ReadOnlyAdminMixin, ScopedRelatedFieldListFilter, StaffScopeMixin

from .models import Award, AwardRedemption, Certificate, CertificateRequest, Transfer


@admin.register(Award)
class AwardAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    """OR1: each award has a point cost set by the office."""

    program_path = "program"
    list_display = ("code", "name", "kind", "points", "hotel", "program", "active")
    list_filter = ("kind", "active", ("program", ScopedRelatedFieldListFilter))
    list_select_related = ("hotel", "program")
    search_fields = ("=code", "name")
    autocomplete_fields = ("hotel",)


@admin.register(AwardRedemption)
class AwardRedemptionAdmin(StaffScopeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    program_path = "member__program"
    list_display = ("created_at", "member", "award", "points", "channel", "created_by")
    list_filter = ("channel", "award__kind")
    list_select_related = ("member", "award", "created_by")
    search_fields = ("=member__cards__number", "=member__number", "=award__code")
    date_hierarchy = "created_at"


@admin.register(CertificateRequest)
class CertificateRequestAdmin(StaffScopeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """NR1, NR2: once accepted a request cannot be changed or cancelled."""

    program_path = "member__program"
    hotel_path = "hotel"
    list_display = ("created_at", "member", "count", "points", "hotel", "arrival_on", "requested_on", "channel")
    list_filter = ("channel", ("hotel", ScopedRelatedFieldListFilter))
    list_select_related = ("member", "hotel")
    search_fields = ("=member__cards__number", "=member__number")
    date_hierarchy = "arrival_on"


@admin.register(Certificate)
class CertificateAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    """NR3: a certificate carries its registration number, value, member name and card number and a valid-until
    date, none of which ever changes; it is never reissued. The hotel records its handing over and its use."""

    program_path = "member__program"
    hotel_path = "hotel"
    list_display = ("number", "value", "member_name", "card_number", "hotel", "issued_on", "valid_until", "state")
    list_filter = ("state", ("hotel", ScopedRelatedFieldListFilter))
    list_select_related = ("hotel",)
    search_fields = ("=number", "=card_number")
    date_hierarchy = "valid_until"
    raw_id_fields = ("used_on_bill",)
    readonly_fields = (
        "number",
        "value",
        "member_name",
        "card_number",
        "member",
        "request",
        "hotel",
        "issued_on",
        "valid_until",
    )
    fields = (*readonly_fields, "state", "handed_over_at", "used_on", "used_on_bill")

    def has_add_permission(self, request):
        return False  # NR1: certificates are issued by a request for them, never typed in


@admin.register(Transfer)
class TransferAdmin(StaffScopeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """T1-T5: all points of the giver moved at once, both consents recorded."""

    program_path = "giver__program"
    list_display = ("transferred_on", "giver", "receiver", "points", "giver_consented_at", "receiver_consented_at")
    list_select_related = ("giver", "receiver")
    search_fields = ("=giver__cards__number", "=receiver__cards__number", "=giver__number", "=receiver__number")
    date_hierarchy = "transferred_on"
