"""The member workspace of the office (M1-M10, A2, A4): members with their cards and status periods, the account
summary staff read on the phone, and the office's tasks on a member (reissue a card, register an email, cancel,
merge with a preview).

It lives in the office surface because it works across apps: it reads the points summary and the ledger and calls
the points services (enrolment, merge, cancellation).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path as url_path
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from loyalty import clock
from loyalty.adminkit import (
    ConfirmForm,
    HistoryAdmin,
    ScopedRelatedFieldListFilter,
    StaffScopeMixin,
    html_table,
    trial_run,
)
from loyalty.emails import MemberEmailFormField
from loyalty.exceptions import LoyaltyError, refusal_text
from members.admin.cards import CardInline, StatusPeriodInline
from members.exceptions import MembersError
from members.models import (
    Card,
    Member,
    StatusPeriod,
    Tier,
)
from members.selectors import member_by_card, members_search
from members.services.cards import card_reissue
from members.services.office import member_register_email
from points.admin.ledger import entry_cause, reason_in_words
from points.selectors import account_activity, account_summary
from points.services.enrolment import member_enroll
from points.services.membership import CANCEL_REASONS, member_cancel
from points.services.merge import members_merge, merge_preview

# --- Members and cards ---------------------------------------------------------------------------------------


class ClosedListFilter(admin.SimpleListFilter):
    """M9: closed memberships (withdrawn, cancelled, fraud, merged, program ended) or open ones."""

    title = _("closed")
    parameter_name = "closed"

    def lookups(self, request, model_admin):
        return (("no", _("Open")), ("yes", _("Closed")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(closed_on__isnull=False)
        if self.value() == "no":
            return queryset.filter(closed_on__isnull=True)
        return queryset


class MemberAddForm(forms.ModelForm):
    """Office enrolment (M3): the fields the enrolment service takes; it gives the number (M1), the card and the
    balance row. Office staff may enroll a member without an email address."""

    oci = forms.CharField(label=_("OCI number (M2)"), required=False, max_length=6)
    myj = forms.CharField(label=_("MYJ number (M2)"), required=False, max_length=20)

    class Meta:
        model = Member
        fields = (
            "program",
            "family_name",
            "given_name",
            "email",
            "phone",
            "enrolled_on",
            "enrolled_at",
            "category",
            "family_of",
        )

    def enrolment_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "program": data["program"],
            "family_name": data["family_name"],
            "given_name": data["given_name"],
            "email": data.get("email") or "",
            "phone": data.get("phone") or "",
            "enrolled_on": data["enrolled_on"],
            "channel": Member.Channel.OFFICE,
            "hotel": data.get("enrolled_at"),
            "oci": data.get("oci") or None,
            "myj": data.get("myj") or None,
            "family_of": data.get("family_of"),
            "category": data.get("category"),
            "email_required": False,
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        trial_run(lambda: member_enroll(**self.enrolment_kwargs()), refusal=LoyaltyError)
        return cleaned


class EmailForm(forms.Form):
    email = MemberEmailFormField(label=_("Email address (A2)"))


class CancelForm(ConfirmForm):
    reason = forms.ChoiceField(label=_("Reason (M9: all points are forfeited at once)"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(r, Member.ClosedReason(r).label) for r in CANCEL_REASONS]


class MergeForm(forms.Form):
    duplicate = forms.CharField(label=_("Card or membership number of the duplicate"), max_length=20)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, confirming: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if confirming:
            self.fields["duplicate"].widget = forms.HiddenInput()
            self.initial["confirm"] = True


class ReissueForm(ConfirmForm):
    lost_card = forms.CharField(
        label=_("Number of the lost card"),
        max_length=20,
        required=False,
        help_text=_("Blank: the membership card. An OCI or MYJ number: a One Harmony card is issued and mailed (M5)."),
    )


TASK_ICONS = {
    "reissue": "credit_card",
    "email": "alternate_email",
    "email_change": "alternate_email",
    "merge": "call_merge",
    "cancel": "block",
}
OFFICE_FORMS = {
    "reissue": ReissueForm,
    "email": EmailForm,
    "email_change": EmailForm,  # issue 14: a link to the new address, a notice to the old one
    "cancel": CancelForm,
    "merge": MergeForm,
}


def merge_panel(preview: dict) -> str:
    """M8: what a merge moves, for the confirm page."""
    return format_html(
        "<h2>{}</h2>{}<p>{}</p><h2>{}</h2>{}<h2>{}</h2>{}",
        _("Points by expiry date"),
        html_table(
            [str(_("valid through")), str(_("points"))], [(d, f"{n:,}") for d, n in preview["points_by_expiry"]]
        ),
        _(
            "Total %(total)s points (pending %(pending)s are posted first); %(lapsed)s lapsed points stay behind. "
            "Nights: %(nights)s move, %(dup)s already on the survivor. Bills: %(bills)s. Qualification credits: "
            "%(credits)s."
        )
        % {
            "total": f"{preview['points_total']:,}",
            "pending": f"{preview['pending_posted_first']:,}",
            "lapsed": f"{preview['lapsed_left_behind']:,}",
            "nights": preview["nights_moving"],
            "dup": preview["nights_already_on_survivor"],
            "bills": preview["bills"],
            "credits": preview["qualification_credits"],
        },
        _("Cards"),
        html_table([str(_("number")), str(_("kind")), str(_("state"))], preview["cards"]),
        _("Status copied to the survivor"),
        html_table([str(_("tier")), str(_("from")), str(_("until"))], preview["status_copied"]),
    )


@admin.register(Member)
class MemberAdmin(StaffScopeMixin, HistoryAdmin):
    """Members (M1-M10) with their cards, status periods and the account summary staff read on the phone (A4)."""

    one_shot = True  # issue 14: every POST of its forms and actions is one-shot (loyalty.oneshot)

    program_path = "program"
    list_display = ("number", "display_name", "program", "email", "posted_balance", "display_status")
    list_filter = (
        ("program", ScopedRelatedFieldListFilter),
        ClosedListFilter,
        ("category", ScopedRelatedFieldListFilter),
        "duplicate_candidate",
    )
    list_select_related = ("program", "balance")
    # M2: any card number the member holds or held, legacy OCI and MYJ numbers included.
    search_fields = ("=cards__number", "=number", "^family_name", "^given_name", "=email", "=phone")
    search_help_text = _(
        "Any card number ever held (OCI, MYJ, lost, merged-away), membership number, family or given name (start), "
        "email, phone."
    )
    raw_id_fields = ("merged_into", "user")
    autocomplete_fields = ("enrolled_at", "family_of")
    inlines = (CardInline, StatusPeriodInline)
    readonly_fields = (
        "number",
        "program",
        "user",  # issue 14, A1: the login and the email are identity; only the identity service changes them
        "email",
        "account_summary",
        "channel",
        "closed_on",
        "closed_reason",
        "merged_into",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": ("number", "program", "account_summary")}),
        (
            _("Person (M7: the office changes names)"),
            {
                "fields": (
                    ("family_name", "given_name"),
                    "email",
                    "phone",
                    ("postal_code", "country"),
                    "address",
                    "language",
                    "user",
                )
            },
        ),
        (
            _("Membership"),
            {
                "fields": (
                    ("enrolled_on", "admitted_on"),
                    ("channel", "enrolled_at"),
                    "category",
                    "family_of",
                    "duplicate_candidate",
                    ("closed_on", "closed_reason"),
                    "merged_into",
                    "created_at",
                )
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "program",
                    ("family_name", "given_name"),
                    "email",
                    "phone",
                    "enrolled_on",
                    "enrolled_at",
                    "category",
                    "family_of",
                    ("oci", "myj"),
                )
            },
        ),
    )

    def get_queryset(self, request):
        today = clock.today()
        rank = Tier.rank_expression()
        tier_now = (
            StatusPeriod.objects.filter(member=OuterRef("pk"), valid_from__lte=today, valid_until__gte=today)
            .annotate(rank=rank)
            .order_by("-rank", "-valid_until")
            .values("tier")[:1]
        )
        return super().get_queryset(request).annotate(tier_now=Subquery(tier_now))

    def get_search_results(self, request, queryset, search_term):
        """M2: the changelist's search and every member autocomplete of the office (adjustments, claims, cards,
        name changes, families) find a member by any card number, the membership number, email, phone or name,
        within the user's scope (``queryset`` is already the scoped one)."""
        if not search_term.strip():
            return queryset, False
        return queryset.filter(pk__in=members_search(query=search_term).values("pk")), False

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MemberAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # M3: office enrolment goes through the service (number, card, balance row, welcome email).
        member = member_enroll(**form.enrolment_kwargs())
        obj.pk = member.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        if formset.model is Card:
            for card_form in formset.forms:
                if card_form.instance.pk is None:
                    card_form.instance.program_id = form.instance.program_id
        super().save_formset(request, form, formset, change)

    # --- Office tasks (M5, A2, M9, M8): thin views over the services -------------------------------------------

    def office_tasks(self, request, obj: Member) -> list[tuple[str, str]]:
        if obj is None or obj.closed_on is not None or not self.has_change_permission(request, obj):
            return []
        tasks = [
            ("reissue", _("Reissue lost card (M5)")),
            ("email", _("Register email (A2)"))
            if not obj.email
            else ("email_change", _("Send email change link (M7)")),
            ("merge", _("Merge a duplicate into this member (M8)")),
        ]
        if member_cancel is not None:
            tasks.append(("cancel", _("Cancel membership (M9)")))
        return tasks

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        tasks = [(task, label, TASK_ICONS.get(task, "bolt")) for task, label in self.office_tasks(request, obj)]
        extra_context = {**(extra_context or {}), "office_tasks": tasks}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            url_path(
                "<path:object_id>/office/<str:task>/",
                self.admin_site.admin_view(self.office_view),
                name="{}_{}_office".format(*info),
            ),
            *super().get_urls(),
        ]

    def office_view(self, request, object_id, task):
        member = self.get_object(request, unquote(object_id))
        if member is None:
            raise Http404
        if task not in dict(self.office_tasks(request, member)):
            raise PermissionDenied
        form_class = OFFICE_FORMS[task]
        form = form_class(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": member,
            "title": dict(self.office_tasks(request, member))[task],
            "intro": str(member),
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            try:
                done = self._office_run(request, member, task, form, context)
            except LoyaltyError as exc:
                form.add_error(None, exc.detail)
            else:
                if done:
                    return HttpResponseRedirect(reverse("admin:members_member_change", args=[done.pk]))
        return TemplateResponse(request, "admin/office_form.html", context)

    def _office_run(self, request, member: Member, task: str, form, context) -> Member | None:
        """Call the task's service; ``None``: show the form again (the merge's preview step)."""
        today = clock.today()
        data = form.cleaned_data
        if task == "reissue":
            lost = (data.get("lost_card") or "").strip()
            cards = member.cards.filter(state=Card.State.CURRENT)
            card = cards.filter(number=lost).first() if lost else cards.filter(kind=Card.Kind.MEMBERSHIP).first()
            if card is None:
                raise MembersError(
                    refusal_text(_("the member holds no current card %(number)s"), number=lost)
                    if lost
                    else _("the member has no current membership card")
                )
            new = card_reissue(card=card, on=today, created_by=request.user)
            self.message_user(
                request,
                _("Card %(n)s marked lost; card %(new)s is to be mailed (M4).") % {"n": card.number, "new": new.number},
            )
            return member
        if task == "email":
            member_register_email(member=member, email=data["email"], by=request.user)
            self.message_user(request, _("Email registered (A2): the member can now reset the password."))
            return member
        if task == "email_change":
            from members.services.identity import member_email_change_request

            member_email_change_request(
                member=member, email=data["email"], base_url=request.build_absolute_uri("/"), requested_by=request.user
            )
            self.message_user(request, _("A confirmation link was sent to the new address; the member confirms it."))
            return member
        if task == "cancel":
            member_cancel(member=member, reason=data["reason"], on=today, created_by=request.user)
            self.message_user(request, _("Membership closed; all points forfeited (M9)."))
            return member
        # merge: resolve the duplicate in the user's scope, preview, then confirm
        try:
            duplicate = member_by_card(number=data["duplicate"], program=member.program)
        except LoyaltyError as exc:
            raise MembersError(exc.detail) from exc
        if not self.get_queryset(request).filter(pk=duplicate.pk).exists():
            raise MembersError(_("no member of your programs holds that card"))
        preview = merge_preview(survivor=member, duplicate=duplicate, on=today)
        if not data.get("confirm") or preview["refusals"]:
            context.update(
                intro=_("Merge %(dup)s into %(survivor)s: this is what moves.")
                % {"dup": duplicate, "survivor": member},
                panel=merge_panel(preview),
                refusals=preview["refusals"],
                form=None
                if preview["refusals"]
                else MergeForm(initial={"duplicate": data["duplicate"]}, confirming=True),
                submit_label=_("Merge now"),
            )
            return None
        members_merge(survivor=member, duplicate=duplicate, on=today, created_by=request.user)
        self.message_user(request, _("%(dup)s merged into %(survivor)s (M8).") % {"dup": duplicate, "survivor": member})
        return member

    @admin.display(description=_("name"), ordering="family_name")
    def display_name(self, obj: Member) -> str:
        return f"{obj.family_name} {obj.given_name}"

    @admin.display(description=_("posted balance"), ordering="balance__posted")
    def posted_balance(self, obj: Member):
        try:
            return f"{obj.balance.posted:,}"
        except Member.balance.RelatedObjectDoesNotExist:
            return "0"

    @admin.display(description=_("status"))
    def display_status(self, obj: Member) -> str:
        if obj.closed_on:
            return f"{_('closed')} {obj.closed_on} ({obj.get_closed_reason_display()})"
        tier = getattr(obj, "tier_now", None) or Tier.MEMBER
        return str(Tier(tier).label)

    @admin.display(description=_("Account summary (A4)"))
    def account_summary(self, obj: Member) -> str:
        if obj is None or obj.pk is None:
            return "—"
        account = account_summary(member=obj, on=clock.today())
        summary = account.points
        pending = (
            ", ".join(
                _("%(points)s on %(date)s") % {"points": f"{points:,}", "date": posts_on.isoformat()}
                for posts_on, points in summary.pending_by_date
            )
            or "—"
        )
        expiring = (
            ", ".join(
                _("%(points)s after %(date)s") % {"points": f"{points:,}", "date": expires_on.isoformat()}
                for expires_on, points in summary.expiring
            )
            or "—"
        )
        entries = account_activity(member=obj)[:20]
        rows = [
            (
                e.effective_on,
                e.get_kind_display(),
                f"{e.points:+,}",
                f"{e.pending:+,}",
                e.used_on,
                entry_cause(e),
                reason_in_words(e.reason),
            )
            for e in entries
        ]
        balance_note = ""
        if account.debt_yen:
            balance_note = _(" (negative: the office charges the member JPY %(yen)s, R1/EX5)") % {
                "yen": f"{account.debt_yen:,}"
            }
        return format_html(
            "<div><p><strong>{}</strong> {}{}</p><p><strong>{}</strong> {} — {}</p>"
            "<p><strong>{}</strong> {}</p><p><strong>{}</strong></p>{}</div>",
            _("Posted balance:"),
            f"{summary.balance:,}",
            balance_note,
            _("Pending (NE7):"),
            f"{summary.pending:,}",
            pending,
            _("Expiring (EX6):"),
            expiring,
            _("Last 20 ledger entries"),
            html_table(
                [
                    str(_("effective")),
                    str(_("kind")),
                    str(_("posted")),
                    str(_("pending")),
                    str(_("date of use")),
                    str(_("cause")),
                    str(_("rule or reason")),
                ],
                rows,
            ),
        )
