"""The office's maker-checker work on points: adjustments (requested by a clerk, approved by another supervisor
above the threshold) and members' claims of missing points or nights (A5)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from loyalty.adminkit import (
    MEMBER_SEARCH,
    HistoryAdmin,
    ScopedRelatedFieldListFilter,
    StaffScopeMixin,
    answer_step,
    html_table,
    signed,
    trial_run,
)
from loyalty.exceptions import LoyaltyError
from points.models import (
    Adjustment,
    Claim,
)
from points.services.adjustments import (
    MAX_ADJUSTMENT_POINTS,
    adjustment_approve,
    adjustment_reject,
    adjustment_request,
)
from points.services.claims import claim_approve, claim_reject


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
        trial_run(lambda: adjustment_request(**self.request_kwargs()), refusal=LoyaltyError)
        return cleaned


class ReasonForm(forms.Form):
    answer = forms.CharField(label=_("Why it is rejected"), widget=forms.Textarea, required=True)


class ClaimApproveForm(forms.Form):
    points = forms.IntegerField(
        label=_("Missing points to credit"), min_value=0, max_value=MAX_ADJUSTMENT_POINTS, initial=0
    )
    nights = forms.IntegerField(label=_("Missing nights to count (ST2)"), min_value=0, max_value=366, initial=0)
    answer = forms.CharField(label=_("Answer to the member"), widget=forms.Textarea, required=False)


class WaitingListFilter(admin.SimpleListFilter):
    """Maker-checker work lists: the adjustments waiting for the user's approval (someone else's), or the user's own
    waiting for a supervisor."""

    title = _("waiting for approval")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return (("for_me", _("For my approval")), ("mine", _("My requests")))

    def queryset(self, request, queryset):
        waiting = queryset.filter(state=Adjustment.State.AWAITING_APPROVAL)
        if self.value() == "for_me":
            return waiting.exclude(requested_by=request.user)
        if self.value() == "mine":
            return waiting.filter(requested_by=request.user)
        return queryset


@admin.register(Adjustment)
class AdjustmentAdmin(StaffScopeMixin, HistoryAdmin):
    """How the office corrects points (A5 claims, corrections): an adjustment, never an edit of the ledger.

    Maker-checker: up to the program's threshold (Default 10,000 points) it posts at once; above it, it waits for
    a supervisor other than the requester (actions "Approve" / "Reject")."""

    one_shot = True  # issue 14: every POST of its forms and actions is one-shot (loyalty.oneshot)

    program_path = "member__program"
    form = AdjustmentForm
    # Fits 1024 px: whether it counts toward status is a filter and on the row's page, not a column.
    list_display = ("created_at", "member", "signed_points", "reason", "used_on", "state", "requested_by")
    list_filter = (WaitingListFilter, "state", ("member__program", ScopedRelatedFieldListFilter), "qualifies")
    list_select_related = ("member", "requested_by")
    search_fields = MEMBER_SEARCH
    autocomplete_fields = ("member",)
    readonly_fields = ("state", "requested_by", "approved_by", "created_at", "decided_at")
    fields = ("member", "points", "reason", "used_on", "qualifies", *readonly_fields)
    actions = ("approve_adjustments", "reject_adjustments")
    approval_fields = ("requested_on", "approval_reason", "approval_history")  # issue 14: what the approver reads

    @admin.display(description=_("points"), ordering="points")
    def signed_points(self, obj: Adjustment) -> str:
        return signed(obj.points)

    def get_fields(self, request, obj=None):
        if obj is None:
            return AdjustmentForm.Meta.fields  # a new request: what the clerk types, nothing empty
        if not obj.approval_reason:  # it posted at once: nothing made it wait, no empty approval fields
            return self.fields
        return (*self.fields, *self.approval_fields)

    @admin.display(description=_("the requester's moves that made it wait"))
    def approval_history(self, obj: Adjustment) -> str:
        from points.services.limits import window_history

        rows = [(a.requested_on, a.member.number, f"{a.points:+,}", a.reason) for a in window_history(adjustment=obj)]
        return html_table([str(_("requested on")), str(_("member")), str(_("points")), str(_("reason"))], rows)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # requested: only a decision changes it (maker-checker), never an edit
            return self.get_fields(request, obj)
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
        done = refused = 0
        for adjustment in queryset.filter(state=Adjustment.State.AWAITING_APPROVAL):
            try:
                adjustment_approve(adjustment=adjustment, approved_by=request.user)
                done += 1
            except LoyaltyError as exc:
                refused += 1
                self.message_user(request, f"{adjustment}: {exc.detail}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)d adjustment(s) approved and posted.") % {"n": done}, messages.SUCCESS)
        elif not refused:
            self.message_user(request, _("None of the selected adjustments awaits approval."), messages.WARNING)

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
class ClaimAdmin(StaffScopeMixin, HistoryAdmin):
    """A5: members' reports of missing points or nights, for the office to approve (an adjustment, maker-checker
    applies) or reject with an answer the member sees."""

    one_shot = True  # issue 14: every POST of its forms and actions is one-shot (loyalty.oneshot)

    program_path = "member__program"
    hotel_path = "hotel"
    list_display = ("created_at", "member", "kind", "used_on", "hotel", "state")
    list_filter = ("state", "kind", ("member__program", ScopedRelatedFieldListFilter))
    list_select_related = ("member", "hotel")
    search_fields = MEMBER_SEARCH
    autocomplete_fields = ("member",)
    raw_id_fields = ("adjustment",)
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
