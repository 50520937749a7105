"""The back office for hotels and outlets (NE2, NX1, OE3, OE5), bills as received, the ledger and the jobs.

The ledger and the bills are read-only here: bills come from the hotels through the API, points move only through
the services, and staff correct the ledger with an Adjustment, never by editing an entry (entries are append-only).
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import DateField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Greatest, TruncMonth
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from loyalty.rulebooks.catalog import describe
from members.admin import (
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ScopedChoicesMixin,
    ScopedRelatedFieldListFilter,
    StaffScopeMixin,
    answer_step,
    entry_cause,
    html_table,
    trial_run,
)
from members.models import Program
from members.selectors import settings_on

from .exceptions import PointsError
from .models import (
    Adjustment,
    ApiToken,
    Bill,
    BillCharge,
    BillCheck,
    BillExclusion,
    BillPayment,
    BillRefund,
    BillRoom,
    BillUnit,
    Claim,
    ExpiryReminder,
    Hotel,
    JobRun,
    LedgerEntry,
    LotConsumption,
    MemberBalance,
    Outlet,
    OutletDesignation,
    PointLot,
    QualificationCredit,
    StayNight,
)
from .services.adjustments import adjustment_approve, adjustment_reject, adjustment_request
from .services.claims import claim_approve, claim_reject
from .services.tokens import api_token_revoke

MEMBER_SEARCH = ("=member__cards__number", "=member__number", "^member__family_name", "^member__given_name")


# --- Hotels and outlets ----------------------------------------------------------------------------------------


class OutletInline(ScopedChoicesMixin, admin.TabularInline):
    model = Outlet
    extra = 0
    fields = ("code", "name", "kind")
    show_change_link = True  # the designations (NE2) are on the outlet's page


@admin.register(Hotel)
class HotelAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    """Hotels: group or associate (NX1), country (NX1), brand (OE5 JAL Coupons), travel-agency stays (OE3)."""

    program_path = "program"
    hotel_path = "pk"
    list_display = (
        "code",
        "name",
        "program",
        "brand",
        "affiliation",
        "country",
        "accepts_jal_coupons",
        "travel_agency_stays_earn",
        "active",
    )
    list_filter = (
        ("program", ScopedRelatedFieldListFilter),
        "brand",
        "affiliation",
        "country",
        "accepts_jal_coupons",
        "active",
    )
    list_select_related = ("program",)
    search_fields = ("=code", "name")
    inlines = (OutletInline,)


def _designated_now():
    today = timezone.localdate()
    return Subquery(
        OutletDesignation.objects.filter(outlet=OuterRef("pk"), effective_from__lte=today)
        .order_by("-effective_from")
        .values("designated")[:1]
    )


class OutletDesignationInline(ScopedChoicesMixin, admin.TabularInline):
    model = OutletDesignation
    extra = 0
    fields = ("effective_from", "designated")


@admin.register(Outlet)
class OutletAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    """A restaurant or bar; whether it earns is effective-dated (NE2, PT1): add a designation row, never edit
    history away."""

    program_path = "hotel__program"
    hotel_path = "hotel"
    list_display = ("hotel", "code", "name", "kind", "designated_now")
    list_filter = (("hotel__program", ScopedRelatedFieldListFilter), "kind", ("hotel", ScopedRelatedFieldListFilter))
    list_select_related = ("hotel",)
    search_fields = ("=code", "name", "=hotel__code")
    autocomplete_fields = ("hotel",)
    inlines = (OutletDesignationInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(designated_today=_designated_now())

    @admin.display(description=_("designated today (NE2)"), boolean=True)
    def designated_now(self, obj: Outlet):
        return getattr(obj, "designated_today", None)


@admin.register(OutletDesignation)
class OutletDesignationAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    program_path = "outlet__hotel__program"
    hotel_path = "outlet__hotel"
    list_display = ("outlet", "effective_from", "designated")
    list_filter = ("designated", ("outlet__hotel", ScopedRelatedFieldListFilter))
    list_select_related = ("outlet__hotel",)
    search_fields = ("=outlet__code", "=outlet__hotel__code")
    autocomplete_fields = ("outlet",)


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

    list_display = ("bill", "amount", "points_retracted", "created_at", "created_by")
    list_select_related = ("bill__hotel", "created_by")


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


class AdjustmentForm(forms.ModelForm):
    """An adjustment request: a trial run of ``adjustment_request`` (rolled back) shows its refusals on the form."""

    requested_by = None  # set by the admin: the user asking

    class Meta:
        model = Adjustment
        fields = ("member", "points", "reason", "used_on", "qualifies")

    def request_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "member": data["member"],
            "points": data["points"],
            "reason": data["reason"],
            "used_on": data["used_on"],
            "qualifies": data.get("qualifies", False),
            "requested_by": self.requested_by,
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.instance.pk:
            return cleaned
        trial_run(lambda: adjustment_request(**self.request_kwargs()), refusal=PointsError)
        return cleaned


class ReasonForm(forms.Form):
    answer = forms.CharField(label=_("Why it is rejected"), widget=forms.Textarea, required=True)


class ClaimApproveForm(forms.Form):
    points = forms.IntegerField(label=_("Missing points to credit"), min_value=0, initial=0)
    nights = forms.IntegerField(label=_("Missing nights to count (ST2)"), min_value=0, initial=0)
    answer = forms.CharField(label=_("Answer to the member"), widget=forms.Textarea, required=False)


@admin.register(Adjustment)
class AdjustmentAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    """How the office corrects points (A5 claims, corrections): an adjustment, never an edit of the ledger.

    Maker-checker: up to the program's threshold (Default 10,000 points) it posts at once; above it, it waits for
    a supervisor other than the requester (actions "Approve" / "Reject")."""

    program_path = "member__program"
    form = AdjustmentForm
    list_display = ("created_at", "member", "points", "reason", "used_on", "qualifies", "state", "requested_by")
    list_filter = ("state", ("member__program", ScopedRelatedFieldListFilter), "qualifies")
    list_select_related = ("member", "requested_by")
    search_fields = MEMBER_SEARCH
    raw_id_fields = ("member",)
    readonly_fields = ("state", "requested_by", "approved_by", "created_at", "decided_at")
    fields = ("member", "points", "reason", "used_on", "qualifies", *readonly_fields)
    actions = ("approve_adjustments", "reject_adjustments")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return self.fields  # requested: only a decision changes it (maker-checker), never an edit
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"requested_by": request.user})

    def save_model(self, request, obj, form, change):
        if change:
            return
        adjustment = adjustment_request(**form.request_kwargs())
        obj.pk = adjustment.pk
        obj.refresh_from_db()
        obj._state.adding = False
        if adjustment.state == Adjustment.State.AWAITING_APPROVAL:
            self.message_user(
                request, _("Above the approval threshold: it waits for a supervisor's approval."), messages.WARNING
            )

    @admin.action(
        description=_("Approve the selected adjustments (supervisor, not the requester)"), permissions=["change"]
    )
    def approve_adjustments(self, request, queryset):
        done = 0
        for adjustment in queryset.filter(state=Adjustment.State.AWAITING_APPROVAL):
            try:
                adjustment_approve(adjustment=adjustment, approved_by=request.user)
                done += 1
            except PointsError as exc:
                self.message_user(request, f"{adjustment}: {exc.detail}", messages.ERROR)
        self.message_user(request, _("%(n)d adjustment(s) approved and posted.") % {"n": done})

    @admin.action(description=_("Reject the selected adjustments"), permissions=["change"])
    def reject_adjustments(self, request, queryset):
        return answer_step(
            self,
            request,
            queryset.filter(state=Adjustment.State.AWAITING_APPROVAL),
            action="reject_adjustments",
            title=_("Reject adjustments"),
            form_class=ReasonForm,
            run=lambda adjustment, data: adjustment_reject(
                adjustment=adjustment, by=request.user, reason=data["answer"]
            ),
        )


@admin.register(Claim)
class ClaimAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    """A5: members' reports of missing points or nights, for the office to approve (an adjustment, maker-checker
    applies) or reject with an answer the member sees."""

    program_path = "member__program"
    hotel_path = "hotel"
    list_display = ("created_at", "member", "kind", "used_on", "hotel", "state")
    list_filter = ("state", "kind", ("member__program", ScopedRelatedFieldListFilter))
    list_select_related = ("member", "hotel")
    search_fields = MEMBER_SEARCH
    raw_id_fields = ("member", "adjustment")
    readonly_fields = ("state", "answer", "created_at", "decided_at", "decided_by", "adjustment")
    actions = ("approve_claims", "reject_claims")

    @admin.action(
        description=_("Approve the selected claims (with the missing points or nights)"), permissions=["change"]
    )
    def approve_claims(self, request, queryset):
        return answer_step(
            self,
            request,
            queryset.filter(state=Claim.State.OPEN),
            action="approve_claims",
            title=_("Approve claims (A5)"),
            intro=_("Each selected claim gets these points (an adjustment) and nights."),
            form_class=ClaimApproveForm,
            run=lambda claim, data: claim_approve(
                claim=claim, points=data["points"], nights=data["nights"], by=request.user, answer=data["answer"]
            ),
        )

    @admin.action(description=_("Reject the selected claims (with the answer the member sees)"), permissions=["change"])
    def reject_claims(self, request, queryset):
        return answer_step(
            self,
            request,
            queryset.filter(state=Claim.State.OPEN),
            action="reject_claims",
            title=_("Reject claims (A5)"),
            run=lambda claim, data: claim_reject(claim=claim, by=request.user, answer=data["answer"]),
        )


# --- Dashboard ----------------------------------------------------------------------------------------------------

DASHBOARD_MONTHS = 24
DASHBOARD_SERIES = (
    ("issued", _("Points issued (earned + bonus)")),
    ("posted", _("Points posted")),
    ("redeemed", _("Points redeemed")),
    ("expired", _("Points expired")),
    ("outstanding", _("Outstanding posted points (month end)")),
)


def ledger_by_month(*, program: Program, last_month: dt.date, months: int = DASHBOARD_MONTHS) -> list[dict]:
    """Points issued, posted, redeemed, expired and outstanding by month, from the ledger in one grouped query.

    Entries before the first month fall into one opening bucket (the month before), so the outstanding balance of
    each month is the running sum."""
    first = last_month - relativedelta(months=months - 1)
    opening = first - dt.timedelta(days=1)
    rows = (
        LedgerEntry.objects.filter(member__program=program)
        .annotate(month=TruncMonth(Greatest("effective_on", Value(opening, output_field=DateField()))))
        .values("month", "kind")
        .annotate(points=Sum("points"), pending=Sum("pending"))
        .order_by()
    )
    by_month = {first + relativedelta(months=i): dict.fromkeys(dict(DASHBOARD_SERIES), 0) for i in range(months)}
    running = 0
    totals: dict[dt.date, int] = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        totals[month] = totals.get(month, 0) + (row["points"] or 0)
        figures = by_month.get(month)
        if figures is None:
            continue
        kind = row["kind"]
        if kind in ("earn", "bonus"):
            figures["issued"] += row["pending"] or 0
        elif kind == "post":
            figures["posted"] += row["points"] or 0
        elif kind == "redeem":
            figures["redeemed"] -= row["points"] or 0
        elif kind == "expire":
            figures["expired"] -= row["points"] or 0
    running = sum(n for month, n in totals.items() if month < first)
    result = []
    for month, figures in by_month.items():
        running += totals.get(month, 0)
        figures["outstanding"] = running
        result.append({"month": month, **figures})
    return result


def bar_chart(values: list[tuple[str, int]], *, height: int = 120, bar: int = 22) -> str:
    """An inline SVG bar chart (server-side, no JavaScript); negative values are drawn below the axis."""
    top = max([v for _, v in values] + [0]) or 1
    bottom = min([v for _, v in values] + [0])
    span = top - bottom or 1
    zero = height * top / span
    bars = []
    for i, (label, value) in enumerate(values):
        h = abs(value) * height / span
        y = zero - h if value >= 0 else zero
        bars.append((i * bar, round(y, 1), bar - 4, round(h, 1), f"{label}: {value:,}"))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img" class="loyalty-chart">'
        '<line x1="0" y1="{}" x2="{}" y2="{}" stroke="#999"/>{}</svg>',
        len(values) * bar,
        height + 2,
        round(zero, 1),
        len(values) * bar,
        round(zero, 1),
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#417690"><title>{}</title></rect>',
            bars,
        ),
    )


def dashboard_view(request, program: str):
    """The per-program dashboard (admin/dashboard/<program>/): the last 24 months of the ledger and the liability
    in yen (outstanding posted points x the value of a point, R1)."""
    program_obj = get_object_or_404(Program, code=program)
    user = request.user
    if not (user.is_superuser or user.programs.filter(pk=program_obj.pk).exists()):
        raise PermissionDenied
    today = timezone.localdate()
    rows = ledger_by_month(program=program_obj, last_month=today.replace(day=1))
    outstanding = LedgerEntry.objects.filter(member__program=program_obj).aggregate(total=Sum("points"))["total"] or 0
    row = settings_on(program=program_obj, on=today)
    point_value = row.point_value_yen if row is not None else 1
    charts = [
        {"title": title, "svg": bar_chart([(r["month"].strftime("%Y-%m"), r[key]) for r in rows])}
        for key, title in DASHBOARD_SERIES
    ]
    table = html_table(
        [str(_("month")), *(str(title) for _key, title in DASHBOARD_SERIES)],
        [(r["month"].strftime("%Y-%m"), *(f"{r[key]:,}" for key, _t in DASHBOARD_SERIES)) for r in rows],
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Dashboard: %(program)s") % {"program": program_obj.name},
        "charts": charts,
        "table": table,
        "outstanding_points": f"{outstanding:,}",
        "liability_yen": f"{round(outstanding * point_value):,}",
        "point_value": point_value,
        "first_month": rows[0]["month"].strftime("%Y-%m"),
        "last_month": rows[-1]["month"].strftime("%Y-%m"),
    }
    return TemplateResponse(request, "admin/dashboard.html", context)


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


@admin.register(JobRun)
class JobRunAdmin(StaffScopeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """J1-J4: one row per job, program and as-of date."""

    program_path = "program"
    list_display = ("job", "program", "as_of", "state", "attempts", "started_at", "finished_at", "counts")
    list_filter = ("job", "state", ("program", ScopedRelatedFieldListFilter))
    list_select_related = ("program",)
    date_hierarchy = "as_of"


# --- API tokens ------------------------------------------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    """Tokens are issued with ``manage.py issue_api_token`` (it prints the key once); here they are named and
    revoked. Only the key's hash is stored, and it is never editable."""

    program_path = ("program", "hotel__program")
    hotel_path = "hotel"
    list_display = ("name", "prefix", "hotel", "program", "created_at", "last_used_at", "revoked_at")
    list_filter = (("program", ScopedRelatedFieldListFilter), ("hotel", ScopedRelatedFieldListFilter))
    list_select_related = ("hotel", "program")
    search_fields = ("name", "=prefix", "=hotel__code")
    fields = ("name", "prefix", "key_hash", "hotel", "program", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "hotel", "program", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke selected tokens now"), permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token)
        self.message_user(request, _("%(n)d token(s) revoked.") % {"n": len(tokens)})


# --- Issue 13: J5's ledger mismatches (own module) ---------------------------------------------------------------
from . import reconciliation_admin  # noqa: E402, F401
