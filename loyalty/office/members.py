"""The member workspace of the office (M1-M10, A2, A4): members with their cards and status periods, the account
summary staff read on the phone, and the office's tasks on a member (reissue a card, register an email, cancel,
merge with a preview).

It lives in the office surface because it works across apps: it reads the points summary and the ledger and calls
the points services (enrolment, merge, cancellation).
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import get_select2_language
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path as url_path
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from loyalty import clock
from loyalty.adminkit import (
    AutocompleteSelect,
    ConfirmForm,
    HistoryAdmin,
    ScopedRelatedFieldListFilter,
    StaffScopeMixin,
    html_table,
    number,
    signed,
    trial_run,
    yen,
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
from members.selectors import members_search
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


class MemberPicker(AutocompleteSelect):
    """A member picker (select2, as the member fields of the office) that asks ``url`` for the members matching what
    the user types (any card number, the membership number, an email, a phone or a name); each option's value is the
    membership number, never an internal id."""

    def __init__(self, url: str, attrs=None):
        self.url = url
        self.db = None
        self.choices = ()
        self.attrs = {} if attrs is None else attrs.copy()
        self.i18n_name = get_select2_language()

    def get_url(self):
        return self.url

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = forms.Select.build_attrs(self, base_attrs, extra_attrs=extra_attrs)
        attrs.update(
            {
                "data-ajax--cache": "true",
                "data-ajax--delay": 250,
                "data-ajax--type": "GET",
                "data-ajax--url": self.url,
                "data-theme": "admin-autocomplete",
                "data-allow-clear": json.dumps(not self.is_required),
                "data-minimum-input-length": 1,
                "data-placeholder": "",
                "lang": self.i18n_name,
                "class": (attrs.get("class", "") + " admin-autocomplete").strip(),
            }
        )
        return attrs

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if v not in (None, "")}
        options = [self.create_option(name, "", "", False, 0)]
        if selected:
            for member in self.choices.queryset.filter(number__in=selected):
                options.append(self.create_option(name, member.number, str(member), True, len(options)))
        return [(None, options, 0)]


class MemberChoiceField(forms.ModelChoiceField):
    """A member among ``queryset`` by its membership number (the picker's value) or, typed without the picker, by any
    card number it holds or held, an email or a name that finds exactly one."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        member = self.queryset.filter(number=value).first()
        if member is None:
            found = list(self.queryset.filter(pk__in=members_search(query=value).values("pk"))[:2])
            member = found[0] if len(found) == 1 else None
        if member is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return member

    def prepare_value(self, value):
        return value.number if isinstance(value, Member) else value


class MergeForm(forms.Form):
    """M8: the duplicate to merge into this member, picked by what the clerk knows (any card number, the membership
    number, an email or a name), among the open members of the same program in the user's scope."""

    duplicate = MemberChoiceField(
        label=_("The duplicate membership"),
        queryset=Member.objects.none(),
        to_field_name="number",
        help_text=_("Type any card number it holds or held, its membership number, an email or a name."),
        error_messages={"invalid_choice": _("No open member of this program in your scope is that one.")},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, candidates=None, url: str = "", confirming: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["duplicate"]
        if candidates is not None:
            field.queryset = candidates
        if confirming:
            field.widget = forms.HiddenInput()
            self.initial["confirm"] = True
        else:
            field.widget = MemberPicker(url)
            field.widget.choices = field.choices
            field.widget.is_required = True


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


def _section(title, table):
    return format_html("<h2>{}</h2>{}", title, table)


def merge_panel(preview: dict) -> str:
    """M8: what a merge moves, for the confirm page (a section only for what there is)."""
    sections = []
    if preview["points_by_expiry"]:
        sections.append(
            _section(
                _("Points by expiry date"),
                html_table(
                    [str(_("valid through")), str(_("points"))],
                    [(date_format(d, "DATE_FORMAT"), number(n)) for d, n in preview["points_by_expiry"]],
                ),
            )
        )
    cards = [(n, Card.Kind(kind).label, Card.State(state).label) for n, kind, state in preview["cards"]]
    if cards:
        sections.append(_section(_("Cards"), html_table([str(_("number")), str(_("kind")), str(_("state"))], cards)))
    copied = [
        (Tier(tier).label, date_format(start, "DATE_FORMAT"), date_format(end, "DATE_FORMAT"))
        for tier, start, end in preview["status_copied"]
    ]
    if copied:
        sections.append(
            _section(
                _("Status copied to the survivor"),
                html_table([str(_("tier")), str(_("from")), str(_("until"))], copied),
            )
        )
    return format_html(
        "<p>{}</p>{}",
        _(
            "Total %(total)s points (pending %(pending)s are posted first); %(lapsed)s lapsed points stay behind. "
            "Nights: %(nights)s move, %(dup)s already on the survivor. Bills: %(bills)s. Qualification credits: "
            "%(credits)s."
        )
        % {
            "total": number(preview["points_total"]),
            "pending": number(preview["pending_posted_first"]),
            "lapsed": number(preview["lapsed_left_behind"]),
            "nights": number(preview["nights_moving"]),
            "dup": number(preview["nights_already_on_survivor"]),
            "bills": number(preview["bills"]),
            "credits": number(preview["qualification_credits"]),
        },
        format_html_join("", "{}", ((section,) for section in sections)),
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
                "<path:object_id>/office/merge/candidates/",
                self.admin_site.admin_view(self.merge_candidates_view),
                name="{}_{}_merge_candidates".format(*info),
            ),
            url_path(
                "<path:object_id>/office/<str:task>/",
                self.admin_site.admin_view(self.office_view),
                name="{}_{}_office".format(*info),
            ),
            *super().get_urls(),
        ]

    def merge_candidates(self, request, member: Member):
        """M8: the members this one may take in: open memberships of its program, in the user's scope."""
        candidates = self.scope_queryset(request, Member.objects.all())
        return candidates.filter(program_id=member.program_id, closed_on__isnull=True).exclude(pk=member.pk)

    def merge_candidates_view(self, request, object_id):
        """The merge picker's answers (select2's JSON, as Django's autocomplete): the candidates matching the typed
        card number, membership number, email, phone or name; each by its membership number, never an internal id."""
        member = self.get_object(request, unquote(object_id))
        if member is None:
            raise self.out_of_scope()
        if "merge" not in dict(self.office_tasks(request, member)):
            raise PermissionDenied
        term = request.GET.get("term", "").strip()
        found = []
        if term:
            matches = self.merge_candidates(request, member).filter(pk__in=members_search(query=term).values("pk"))
            found = list(matches.order_by("number")[:21])
        return JsonResponse(
            {
                "results": [{"id": m.number, "text": str(m)} for m in found[:20]],
                "pagination": {"more": len(found) > 20},
            }
        )

    def _office_form(self, request, member: Member, task: str, data=None):
        if task == "merge":
            url = reverse("admin:members_member_merge_candidates", args=[member.pk])
            return MergeForm(data, candidates=self.merge_candidates(request, member), url=url)
        return OFFICE_FORMS[task](data)

    def office_view(self, request, object_id, task):
        member = self.get_object(request, unquote(object_id))
        if member is None:
            raise self.out_of_scope()
        if task not in dict(self.office_tasks(request, member)):
            raise PermissionDenied
        form = self._office_form(request, member, task, request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": member,
            "title": dict(self.office_tasks(request, member))[task],
            "intro": _("Member: %(member)s") % {"member": member}
            if task != "merge"
            else _("The membership that stays: %(member)s. Pick the duplicate that is merged into it.")
            % {"member": member},
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
        # merge: the duplicate is one of the candidates (the form checked it), preview, then confirm
        duplicate = data["duplicate"]
        preview = merge_preview(survivor=member, duplicate=duplicate, on=today)
        if not data.get("confirm") or preview["refusals"]:
            context.update(
                intro=_("Merge %(dup)s into %(survivor)s: this is what moves.")
                % {"dup": duplicate, "survivor": member},
                panel=merge_panel(preview),
                refusals=preview["refusals"],
                form=None
                if preview["refusals"]
                else MergeForm(
                    initial={"duplicate": duplicate.number},
                    candidates=self.merge_candidates(request, member),
                    confirming=True,
                ),
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
            return number(obj.balance.posted)
        except Member.balance.RelatedObjectDoesNotExist:
            return "0"

    @admin.display(description=_("status"))
    def display_status(self, obj: Member) -> str:
        if obj.closed_on:
            return _("closed %(date)s (%(reason)s)") % {
                "date": date_format(obj.closed_on, "DATE_FORMAT"),
                "reason": obj.get_closed_reason_display(),
            }
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
                _("%(points)s on %(date)s") % {"points": number(points), "date": date_format(posts_on, "DATE_FORMAT")}
                for posts_on, points in summary.pending_by_date
            )
            or "—"
        )
        expiring = (
            ", ".join(
                _("%(points)s after %(date)s")
                % {"points": number(points), "date": date_format(expires_on, "DATE_FORMAT")}
                for expires_on, points in summary.expiring
            )
            or "—"
        )
        entries = account_activity(member=obj)[:20]
        rows = [
            (
                date_format(e.effective_on, "DATE_FORMAT"),
                e.get_kind_display(),
                signed(e.points),
                signed(e.pending),
                date_format(e.used_on, "DATE_FORMAT") if e.used_on else "—",
                entry_cause(e),
                reason_in_words(e.reason) or "—",
            )
            for e in entries
        ]
        balance_note = ""
        if account.debt_yen:
            balance_note = _(" (negative: the office charges the member %(yen)s, R1/EX5)") % {
                "yen": yen(account.debt_yen)
            }
        return format_html(
            "<div><p><strong>{}</strong> {}{}</p><p><strong>{}</strong> {} — {}</p>"
            "<p><strong>{}</strong> {}</p><p><strong>{}</strong></p>{}</div>",
            _("Posted balance:"),
            signed(summary.balance) if summary.balance < 0 else number(summary.balance),
            balance_note,
            _("Pending (NE7):"),
            number(summary.pending),
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
                empty=_("No ledger entry yet."),
            ),
        )
