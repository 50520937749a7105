"""The back office for what points are spent on: the One Harmony award catalog (OR1), award redemptions, New Otani
Reward Certificates (NR1-NR3) and family transfers (T1-T5).

Redemptions, certificate requests and transfers move points, so they are made through the services (API, My
Account) and are read-only here. Certificates change state at the hotel (ready, handed over, used).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from unfold.forms import ActionForm

from loyalty import clock
from loyalty.adminkit import HistoryAdmin, ModelAdmin, ReadOnlyAdminMixin, ScopedRelatedFieldListFilter, StaffScopeMixin
from points.models import Bill

from .exceptions import IllegalTransition, RewardsError
from .models import Award, AwardRedemption, Certificate, CertificateRequest, Transfer
from .services.certificates import certificate_advance


class ArrivalListFilter(admin.SimpleListFilter):
    """NR2, for the front desk: requests and certificates of the members arriving soon (certificates are handed over
    in person during the stay). Combine with the hotel filter."""

    title = _("arrival")
    parameter_name = "arrival"
    arrival_path = "arrival_on"
    WINDOWS = {"today": 0, "7": 7, "14": 14}

    def lookups(self, request, model_admin):
        return [("today", _("Today")), ("7", _("Next 7 days")), ("14", _("Arrivals of the next 14 days"))]

    def queryset(self, request, queryset):
        days = self.WINDOWS.get(self.value() or "")
        if days is None:
            return queryset
        today = clock.today()
        return queryset.filter(
            **{f"{self.arrival_path}__gte": today, f"{self.arrival_path}__lte": today + dt.timedelta(days=days)}
        )


class CertificateArrivalListFilter(ArrivalListFilter):
    arrival_path = "request__arrival_on"


class CertificateActionForm(ActionForm):
    """The action bar of certificates: the bill a certificate pays, for "used"."""

    bill_number = forms.CharField(
        label=_("Bill number (for used)"),
        required=False,
        max_length=60,
        help_text=_("NUMBER at the certificate's hotel, or HOTEL/NUMBER."),
    )


@admin.register(Award)
class AwardAdmin(StaffScopeMixin, HistoryAdmin):
    """OR1: each award has a point cost set by the office."""

    program_path = "program"
    list_display = ("code", "name", "kind", "points", "hotel", "program", "active")
    list_filter = ("kind", "active", ("program", ScopedRelatedFieldListFilter))
    list_select_related = ("hotel", "program")
    search_fields = ("=code", "name")
    autocomplete_fields = ("hotel",)


@admin.register(AwardRedemption)
class AwardRedemptionAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    program_path = "member__program"
    list_display = ("created_at", "member", "award", "points", "channel", "created_by")
    list_filter = ("channel", "award__kind")
    list_select_related = ("member", "award", "created_by")
    search_fields = ("=member__cards__number", "=member__number", "=award__code")
    date_hierarchy = "created_at"


@admin.register(CertificateRequest)
class CertificateRequestAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    """NR1, NR2: once accepted a request cannot be changed or cancelled."""

    program_path = "member__program"
    hotel_path = "hotel"
    list_display = ("created_at", "member", "count", "points", "hotel", "arrival_on", "requested_on", "channel")
    list_filter = (ArrivalListFilter, "channel", ("hotel", ScopedRelatedFieldListFilter))
    list_select_related = ("member", "hotel")
    search_fields = ("=member__cards__number", "=member__number")
    date_hierarchy = "arrival_on"


@admin.register(Certificate)
class CertificateAdmin(StaffScopeMixin, HistoryAdmin):
    """NR3: a certificate carries its registration number, value, member name and card number and a valid-until
    date, none of which ever changes; it is never reissued nor deleted. The hotel moves it through its life with the
    actions: ready at the hotel -> handed over (in person, NR2) -> used (on a bill); expired once past its validity.
    Illegal moves are refused with a message (``certificate_advance``)."""

    program_path = "member__program"
    hotel_path = "hotel"
    list_display = (
        "number",
        "value",
        "member_name",
        "card_number",
        "hotel",
        "arrival_on",
        "issued_on",
        "valid_until",
        "state",
    )
    list_filter = ("state", CertificateArrivalListFilter, ("hotel", ScopedRelatedFieldListFilter))
    list_select_related = ("hotel", "request")
    search_fields = ("=number", "=card_number")
    date_hierarchy = "valid_until"
    action_form = CertificateActionForm
    actions = ["mark_ready", "mark_handed_over", "mark_used", "mark_expired"]
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
        "state",
        "handed_over_at",
        "used_on",
        "used_on_bill",
    )
    fields = readonly_fields

    @admin.display(description=_("arrival"), ordering="request__arrival_on")
    def arrival_on(self, obj: Certificate):
        return obj.request.arrival_on

    def has_add_permission(self, request):
        return False  # NR1: certificates are issued by a request for them, never typed in

    def has_delete_permission(self, request, obj=None):
        return False  # NR1, NR3: irrevocable and never reissued

    def _advance(self, request, queryset, to_state: str, *, bill_for=None) -> None:
        today = clock.today()
        done, refused = [], []
        for certificate in queryset.select_related("member", "hotel"):
            try:
                bill = bill_for(certificate) if bill_for else None
                certificate_advance(certificate=certificate, to_state=to_state, on=today, bill=bill)
            except RewardsError as error:
                refused.append(f"{certificate.number}: {error.detail}")
            else:
                done.append(certificate.number)
        label = Certificate.State(to_state).label
        if done:
            self.message_user(request, _("%(state)s: %(numbers)s.") % {"state": label, "numbers": ", ".join(done)})
        for message in refused:
            self.message_user(request, _("Refused, %(message)s") % {"message": message}, messages.ERROR)

    @admin.action(description=_("Ready at the hotel"), permissions=["change"])
    def mark_ready(self, request, queryset):
        self._advance(request, queryset, Certificate.State.READY)

    @admin.action(description=_("Handed over to the member"), permissions=["change"])
    def mark_handed_over(self, request, queryset):
        self._advance(request, queryset, Certificate.State.HANDED_OVER)

    @admin.action(description=_("Used (give the bill number)"), permissions=["change"])
    def mark_used(self, request, queryset):
        text = (request.POST.get("bill_number") or "").strip()
        if not text:
            self.message_user(request, _("Give the number of the bill the certificate paid."), messages.ERROR)
            return

        def bill_for(certificate: Certificate) -> Bill:
            hotel_code, _sep, number = text.rpartition("/")
            bills = Bill.objects.select_related("hotel").filter(
                number=number, hotel__program_id=certificate.member.program_id
            )
            bills = bills.filter(hotel__code=hotel_code) if hotel_code else bills.filter(hotel=certificate.hotel)
            bill = bills.first()
            if bill is None:
                where = hotel_code or certificate.hotel.code
                raise IllegalTransition(f"no bill {number} of hotel {where}")
            return bill

        self._advance(request, queryset, Certificate.State.USED, bill_for=bill_for)

    @admin.action(description=_("Expired (past its validity)"), permissions=["change"])
    def mark_expired(self, request, queryset):
        self._advance(request, queryset, Certificate.State.EXPIRED)


@admin.register(Transfer)
class TransferAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    """T1-T5: all points of the giver moved at once, both consents recorded."""

    program_path = "giver__program"
    list_display = ("transferred_on", "giver", "receiver", "points", "giver_consented_at", "receiver_consented_at")
    list_select_related = ("giver", "receiver")
    search_fields = ("=giver__cards__number", "=receiver__cards__number", "=giver__number", "=receiver__number")
    date_hierarchy = "transferred_on"
