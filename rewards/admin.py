"""The back office for what points are spent on: the One Harmony award catalog (OR1), award redemptions, New Otani
Reward Certificates (NR1-NR3) and family transfers (T1-T5).

Redemptions, certificate requests and transfers move points, so they are made through the services (API, My
Account) and are read-only here. Certificates change state at the hotel (ready, handed over, used).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path as url_path
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.forms import ActionForm

from loyalty import clock
from loyalty.adminkit import (
    HistoryAdmin,
    ModelAdmin,
    ReadOnlyAdminMixin,
    ScopedRelatedFieldListFilter,
    StaffScopeMixin,
    answer_step,
    yen,
)
from loyalty.exceptions import LoyaltyError
from points.models import Bill, Outlet

from .exceptions import IllegalTransition
from .models import Award, AwardRedemption, Certificate, CertificateRequest, CertificateUse, Transfer
from .services.awards import award_request_fulfil, award_request_refuse
from .services.certificates import certificate_advance, certificate_use


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
    purpose = forms.ChoiceField(
        label=_("Paid for (NR3)"),
        required=False,
        choices=[("", _("as the bill says")), *CertificateUse.Purpose.choices],
    )
    amount = forms.IntegerField(label=_("Amount paid (JPY)"), required=False, min_value=1)
    outlet = forms.CharField(label=_("Restaurant/bar code (dining)"), required=False, max_length=20)


class CertificateUseForm(forms.Form):
    """NR3 at the front desk: the certificate by its registration number and what it paid (a bill, or the purpose
    and amount); the outlet among the hotel's own restaurants and bars, by name."""

    number = forms.CharField(label=_("Registration number of the certificate"), max_length=20)
    bill_number = forms.CharField(
        label=_("Bill it paid (optional)"),
        required=False,
        max_length=60,
        help_text=_("The bill number at your hotel, or HOTEL/NUMBER. With a bill, what it paid is the bill's."),
    )
    purpose = forms.ChoiceField(
        label=_("What it paid for (NR3)"),
        required=False,
        choices=[("", _("as on the bill")), *CertificateUse.Purpose.choices],
    )
    amount = forms.IntegerField(label=_("Amount paid (¥)"), required=False, min_value=1)
    outlet = forms.ModelChoiceField(
        label=_("Restaurant or bar (dining)"), required=False, queryset=Outlet.objects.none()
    )

    def __init__(self, *args, outlets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if outlets is not None:
            self.fields["outlet"].queryset = outlets

    def clean(self):
        data = super().clean()
        if not data.get("bill_number") and not data.get("purpose"):
            raise forms.ValidationError(_("Give the bill the certificate paid, or what it paid for."))
        return data


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
    """OR1: redemptions, and the Gift Award requests made on the website that the office fulfils or refuses (the
    points are held from the request and returned on refusal)."""

    program_path = "member__program"
    list_display = ("created_at", "member", "award", "points", "channel", "state", "created_by", "decided_by")
    list_filter = ("state", "channel", "award__kind")
    actions = ["fulfil_requests", "refuse_requests"]

    @admin.action(description=_("Fulfil the selected gift requests"), permissions=["decide"])
    def fulfil_requests(self, request, queryset):
        done, refused = 0, []
        for redemption in queryset.filter(state=AwardRedemption.State.REQUESTED):
            try:
                award_request_fulfil(redemption=redemption, by=request.user)
                done += 1
            except LoyaltyError as error:
                refused.append(f"{redemption}: {error.detail}")
        self.message_user(request, _("%(n)d fulfilled.") % {"n": done})
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description=_("Refuse the selected gift requests (points returned)"), permissions=["decide"])
    def refuse_requests(self, request, queryset):
        return answer_step(
            self,
            request,
            queryset.filter(state=AwardRedemption.State.REQUESTED),
            action="refuse_requests",
            title=_("Refuse gift requests (OR1)"),
            intro=_("The held points go back to each member, keeping their expiry dates."),
            run=lambda redemption, data: award_request_refuse(
                redemption=redemption, answer=data["answer"], on=clock.today(), by=request.user
            ),
        )

    def has_decide_permission(self, request) -> bool:
        """OR1: office staff who may change award redemptions decide requests; the rows stay read-only."""
        return request.user.has_perm("rewards.change_awardredemption")

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

    one_shot = True  # issue 14: every POST of its forms and actions is one-shot (loyalty.oneshot)

    program_path = "member__program"
    hotel_path = "hotel"
    # Fits 1024 px: the member's name over the card number, the hotel by its code.
    list_display = ("number", "value", "member_in_words", "hotel_code", "arrival_on", "valid_until", "state")
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

    @admin.display(description=_("member"), ordering="member_name")
    def member_in_words(self, obj: Certificate):
        return format_html("{}<br>{}", obj.member_name, obj.card_number)

    @admin.display(description=_("hotel"), ordering="hotel__code")
    def hotel_code(self, obj: Certificate):
        return format_html('<span title="{}">{}</span>', obj.hotel.name, obj.hotel.code)

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
            except LoyaltyError as error:
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

    @admin.action(description=_("Used (give the bill number or what it paid)"), permissions=["change"])
    def mark_used(self, request, queryset):
        """NR3: records what the certificate paid (``certificate_use``); a purpose it does not pay is refused with
        the reason. With a bill, the purpose, hotel, outlet and day of use are the bill's."""
        text = (request.POST.get("bill_number") or "").strip()
        purpose = (request.POST.get("purpose") or "").strip()
        amount_text = (request.POST.get("amount") or "").strip()
        amount = None
        if amount_text:
            # A Japanese keyboard types ３，０００ (full width): read as 3000. Anything else that is not a whole
            # number of yen is refused, never taken for "no amount" (which records the certificate's whole value).
            readable = unicodedata.normalize("NFKC", amount_text).replace(",", "").replace("¥", "").strip()
            if not (readable.isascii() and readable.isdigit()):
                self.message_user(
                    request,
                    _("The amount paid must be a whole number of yen, such as 3000 (not %(text)s).")
                    % {"text": amount_text},
                    messages.ERROR,
                )
                return
            amount = int(readable)
        outlet_code = (request.POST.get("outlet") or "").strip()
        if not text and not purpose:
            self.message_user(request, _("Give the number of the bill the certificate paid."), messages.ERROR)
            return
        if not text or purpose or amount is not None:
            self._use(request, queryset, text=text, purpose=purpose, amount=amount, outlet_code=outlet_code)
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

    def _bill(self, certificate: Certificate, text: str) -> Bill | None:
        if not text:
            return None
        hotel_code, _sep, number = text.rpartition("/")
        bills = Bill.objects.select_related("hotel", "outlet").filter(
            number=number, hotel__program_id=certificate.member.program_id
        )
        bills = bills.filter(hotel__code=hotel_code) if hotel_code else bills.filter(hotel=certificate.hotel)
        bill = bills.first()
        if bill is None:
            raise IllegalTransition(f"no bill {number} of hotel {hotel_code or certificate.hotel.code}")
        return bill

    def _use_one(
        self, request, certificate, *, text: str, purpose: str, amount: int | None, outlet=None, outlet_code=""
    ):
        """NR3: record what ``certificate`` paid and mark it used (``certificate_use``); refusals raise."""
        bill = self._bill(certificate, text)
        hotel = bill.hotel if bill else (getattr(request.user, "hotel", None) or certificate.hotel)
        if outlet is None and outlet_code:
            outlet = Outlet.objects.filter(hotel=hotel, code=outlet_code).first()
        chosen = purpose or (CertificateUse.Purpose.DINING if bill and bill.kind == "dining" else "")
        return certificate_use(
            certificate=certificate,
            purpose=chosen or CertificateUse.Purpose.ACCOMMODATION,
            hotel=hotel,
            on=clock.today(),
            amount=amount,
            outlet=outlet or (bill.outlet if bill else None),
            bill=bill,
            by=request.user,
        )

    def _use(self, request, queryset, *, text: str, purpose: str, amount: int | None, outlet_code: str) -> None:
        done, refused = [], []
        for certificate in queryset.select_related("member", "hotel"):
            try:
                self._use_one(request, certificate, text=text, purpose=purpose, amount=amount, outlet_code=outlet_code)
            except LoyaltyError as error:
                refused.append(f"{certificate.number}: {error.detail}")
            else:
                done.append(certificate.number)
        if done:
            self.message_user(
                request,
                _("%(state)s: %(numbers)s.") % {"state": Certificate.State.USED.label, "numbers": ", ".join(done)},
            )
        for message in refused:
            self.message_user(request, _("Refused, %(message)s") % {"message": message}, messages.ERROR)

    @admin.action(description=_("Expired (past its validity)"), permissions=["change"])
    def mark_expired(self, request, queryset):
        self._advance(request, queryset, Certificate.State.EXPIRED)

    # --- NR3 at the front desk: a page to mark one certificate used, found by its registration number ----------

    def get_urls(self):
        return [
            url_path(
                "use/",
                self.admin_site.admin_view(self.use_view),
                name="rewards_certificate_use",
            ),
            *super().get_urls(),
        ]

    def _outlets(self, request):
        outlets = Outlet.objects.select_related("hotel").order_by("hotel__code", "name")
        hotel = getattr(request.user, "hotel", None)
        if hotel is not None and not request.user.is_superuser:
            return outlets.filter(hotel=hotel)
        outlet_admin = self.admin_site._registry.get(Outlet)
        return outlet_admin.scope_queryset(request, outlets) if outlet_admin else outlets.none()

    def use_view(self, request):
        """The front desk types the certificate's registration number and the bill (or what it paid): only the
        certificates of its own hotel are found (the admin's scope), and a refusal shows on the form with its
        reason."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = CertificateUseForm(
            data, initial={"number": request.GET.get("number", "")}, outlets=self._outlets(request)
        )
        if data is not None and form.is_valid():
            number = form.cleaned_data["number"].strip().upper()
            certificate = (
                self.get_queryset(request).select_related("member", "hotel").filter(number__iexact=number).first()
            )
            if certificate is None:
                form.add_error("number", _("No certificate of your hotel has this registration number."))
            else:
                try:
                    self._use_one(
                        request,
                        certificate,
                        text=(form.cleaned_data.get("bill_number") or "").strip(),
                        purpose=form.cleaned_data.get("purpose") or "",
                        amount=form.cleaned_data.get("amount"),
                        outlet=form.cleaned_data.get("outlet"),
                    )
                except LoyaltyError as error:
                    form.add_error(None, error.detail)
                else:
                    self.message_user(
                        request,
                        _("Certificate %(number)s (%(value)s) is marked used.")
                        % {"number": certificate.number, "value": yen(certificate.value)},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:rewards_certificate_use"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Mark a certificate used (NR3)"),
            "intro": _(
                "Type the registration number printed on the certificate the member hands over, and the bill it paid."
            ),
            "form": form,
            "submit_label": _("Mark used"),
        }
        return TemplateResponse(request, "admin/office_form.html", context)


@admin.register(Transfer)
class TransferAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    """T1-T5: all points of the giver moved at once, both consents recorded."""

    program_path = "giver__program"
    list_display = ("transferred_on", "giver", "receiver", "points", "giver_consented_at", "receiver_consented_at")
    list_select_related = ("giver", "receiver")
    search_fields = ("=giver__cards__number", "=receiver__cards__number", "=giver__number", "=receiver__number")
    date_hierarchy = "transferred_on"


@admin.register(CertificateUse)
class CertificateUseAdmin(StaffScopeMixin, ReadOnlyAdminMixin, HistoryAdmin):
    """NR3: what each used certificate paid (accommodation or designated dining, on the day of use)."""

    program_path = "certificate__member__program"
    hotel_path = "hotel"
    list_display = ("certificate", "used_on", "hotel", "purpose", "outlet", "amount", "bill", "recorded_by")
    list_filter = ("purpose", ("hotel", ScopedRelatedFieldListFilter))
    list_select_related = ("certificate", "hotel", "outlet", "bill", "recorded_by")
    search_fields = ("=certificate__number",)
    date_hierarchy = "used_on"
