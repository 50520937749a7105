"""The back office for members: programs and their settings (PT1), members, cards (M1-M8), status (ST1), logins.

Also home of the pieces every admin of the project shares:

* :class:`StaffScopeMixin`: staff see only their program's rows (RULEBOOK conventions: "Staff work for one
  program's office (or both, if granted) and see only that program's members"); a front desk sees its hotel's
  program's members and only its own hotel's bills and certificates. Each ModelAdmin declares ``program_path``
  (the lookup from its model to the program) and, where rows belong to a hotel, ``hotel_path``.
* :class:`ReadOnlyAdminMixin`: rows nobody edits in the admin (the ledger, bills as received, job runs).
* :class:`ScopedRelatedFieldListFilter`: a related-object filter that offers only the objects in the user's scope.
"""

from __future__ import annotations

import csv

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path as url_path
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import empty
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from loyalty.rulebooks.catalog import describe
from points.exceptions import PointsError
from points.models import LedgerEntry
from points.selectors import points_summary

from .exceptions import MembersError
from .models import (
    Card,
    Member,
    MembershipCategory,
    NameChangeRequest,
    NumberSeries,
    Program,
    ProgramSettings,
    StatusPeriod,
    TermsVersion,
    Tier,
    User,
)
from .selectors import member_by_card, settings_on
from .services.cards import card_reissue, cards_mark_mailed
from .services.enrolment import member_enroll
from .services.merge import members_merge, merge_preview
from .services.office import member_change_name, member_register_email, name_change_reject

try:  # M9: written by the membership work; the admin task shows only when it is there
    from .services.membership import CANCEL_REASONS, member_cancel
except ImportError:  # pragma: no cover
    CANCEL_REASONS, member_cancel = (), None

# --- Shared pieces ---------------------------------------------------------------------------------------------


def _scope_of(request) -> tuple[list[int], object | None]:
    """The user's programs (office staff) and hotel (front desk), read once per request."""
    cached = getattr(request, "_staff_scope", None)
    if cached is None:
        user = request.user
        cached = (list(user.programs.values_list("pk", flat=True)), user.hotel)
        request._staff_scope = cached
    return cached


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to the rows the user may see (the related model's admin scope).

    Used by every ModelAdmin and inline, so a clerk of one program cannot pick (or type the id of) another
    program's member, hotel or program.
    """

    def _scoped_choices(self, request, db_field, kwargs):
        if "queryset" in kwargs:
            return kwargs
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related_admin, StaffScopeMixin) and not request.user.is_superuser:
            kwargs["queryset"] = related_admin.scope_queryset(
                request, db_field.remote_field.model._default_manager.all()
            )
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._scoped_choices(request, db_field, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scoped_choices(request, db_field, kwargs))


class StaffScopeMixin(ScopedChoicesMixin):
    """Superusers see everything; office staff (``user.programs``) the rows of their programs; a front desk
    (``user.hotel``) the rows of its hotel (``hotel_path``) or, for rows that are not a hotel's, of its hotel's
    program. A staff user with neither sees nothing.

    ``program_path``: lookup from the model to ``members.Program`` (several: any of them). ``"pk"`` for Program.
    ``scope_distinct``: the path crosses a many-valued relation, so rows could repeat.
    """

    program_path: str | tuple[str, ...] = ()
    hotel_path: str | None = None
    scope_distinct = False

    def _program_paths(self) -> tuple[str, ...]:
        return (self.program_path,) if isinstance(self.program_path, str) else tuple(self.program_path)

    def scope_q(self, request) -> Q | None:
        """The filter of the user's scope; ``None``: everything (superuser)."""
        if request.user.is_superuser:
            return None
        programs, hotel = _scope_of(request)
        q = Q(pk__in=[])
        for path in self._program_paths():
            if programs:
                q |= Q(**{f"{path}__in": programs})
            if hotel is not None and not self.hotel_path:
                q |= Q(**{path: hotel.program_id})
        if hotel is not None and self.hotel_path:
            q |= Q(**{self.hotel_path: hotel.pk})
        return q

    def scope_queryset(self, request, queryset: QuerySet) -> QuerySet:
        q = self.scope_q(request)
        if q is None:
            return queryset
        queryset = queryset.filter(q)
        return queryset.distinct() if self.scope_distinct else queryset

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def _ensure_in_scope(self, request, object_id) -> None:
        if request.user.is_superuser:
            return
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404

    # simple-history's views fall back to the history rows when get_queryset does not find the object: check the
    # scope first, so staff never read another program's history. History is for reading: no revert from here.
    def history_view(self, request, object_id, extra_context=None):
        self._ensure_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._ensure_in_scope(request, object_id)
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_history_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """Nobody adds, changes or deletes these rows in the admin: the ledger is corrected with an Adjustment, never by
    editing (NE7, R1: entries are append-only), bills come from the hotels through the API, jobs write job runs."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, ScopedChoicesMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or [f.name for f in self.model._meta.fields]


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-object filter listing only the objects of the user's scope (e.g. a clerk's own program)."""

    def field_choices(self, field, request, model_admin):
        model = field.remote_field.model
        queryset = model._default_manager.all()
        related_admin = model_admin.admin_site._registry.get(model)
        if isinstance(related_admin, StaffScopeMixin):
            queryset = related_admin.scope_queryset(request, queryset)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


def html_table(headers: list[str], rows: list[tuple]) -> str:
    """A small read-only HTML table (escaped) for the panels of change pages."""
    if not rows:
        return format_html("<p>{}</p>", _("None."))
    head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
    body = format_html_join(
        "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows)
    )
    return format_html('<table class="loyalty-panel"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>', head, body)


def entry_cause(entry: LedgerEntry) -> str:
    """What moved the points of a ledger entry (bill, adjustment, refund, ...), in words."""
    if entry.refund_id:
        return f"refund #{entry.refund_id} of bill {entry.bill.hotel.code} {entry.bill.number}"
    if entry.bill_id:
        return f"bill {entry.bill.hotel.code} {entry.bill.number}"
    if entry.adjustment_id:
        return f"adjustment #{entry.adjustment_id}"
    if entry.certificate_request_id:
        return f"certificate request #{entry.certificate_request_id}"
    if entry.award_redemption_id:
        return f"award redemption #{entry.award_redemption_id}"
    if entry.transfer_id:
        return f"transfer #{entry.transfer_id}"
    if entry.job_run_id:
        return f"job run #{entry.job_run_id}"
    if entry.lot_id:
        return f"lot #{entry.lot_id}"
    return "—"


# --- Programs and their settings -----------------------------------------------------------------------------


@admin.register(Program)
class ProgramAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    program_path = "pk"
    list_display = ("code", "name", "office_name", "number_digits", "started_on", "ended_on")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        return ("code", "number_digits") if obj else ()


@admin.register(ProgramSettings)
class ProgramSettingsAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    """PT1: every Default of the rulebook is a row the office edits; a new row with a later date changes the rules
    from that date on, and a past bill keeps being judged by the row of its date."""

    program_path = "program"
    list_display = (
        "program",
        "effective_from",
        "stay_points",
        "stay_per_yen",
        "dining_points",
        "dining_per_yen",
        "posting_delay_days",
    )
    list_filter = (("program", ScopedRelatedFieldListFilter),)
    list_select_related = ("program",)
    date_hierarchy = "effective_from"
    fieldsets = (
        (None, {"fields": ("program", "effective_from")}),
        (
            _("Earning (NE1, OE2, NX2, NE5, NX15, NE7)"),
            {
                "fields": (
                    ("stay_points", "stay_per_yen"),
                    ("dining_points", "dining_per_yen"),
                    "minimum_payment",
                    "max_rooms",
                    "excluded_categories",
                    "posting_delay_days",
                )
            },
        ),
        (
            _("Status (OE6, ST2)"),
            {
                "fields": (
                    ("loyal_bonus_percent", "exclusive_bonus_percent"),
                    ("loyal_points", "loyal_nights"),
                    ("exclusive_points", "exclusive_nights"),
                )
            },
        ),
        (
            _("Reward Certificates (NR1-NR3)"),
            {
                "fields": (
                    ("certificate_points", "certificate_value"),
                    "certificate_validity_months",
                    "certificate_lead_days",
                )
            },
        ),
        (
            _("Service (A5, R1, maker-checker)"),
            {
                "fields": (
                    "claim_window_months",
                    "expiry_reminder_days",
                    "adjustment_approval_threshold",
                    ("adjustment_member_window_days", "adjustment_requester_window_days"),  # issue 14
                    "point_value_yen",
                )
            },
        ),
    )


@admin.register(TermsVersion)
class TermsVersionAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    program_path = "program"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("program", "version", "effective_from", "url")
    list_filter = (("program", ScopedRelatedFieldListFilter),)
    list_select_related = ("program",)


@admin.register(MembershipCategory)
class MembershipCategoryAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    """M10, T4: each category says which services it allows."""

    program_path = "program"
    list_display = ("program", "code", "name", "allows_family_transfer")
    list_filter = (("program", ScopedRelatedFieldListFilter), "allows_family_transfer")
    list_select_related = ("program",)


@admin.register(NumberSeries)
class NumberSeriesAdmin(StaffScopeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """M1: the counter of membership numbers; never edited (a number is never reused)."""

    program_path = "program"
    list_display = ("program", "next_serial")
    list_select_related = ("program",)


# --- Logins --------------------------------------------------------------------------------------------------


@admin.register(User)
class LoyaltyUserAdmin(StaffScopeMixin, UserAdmin):
    """Logins: members' My Account logins and staff users with their scope (office of programs, front desk of a
    hotel)."""

    program_path = ("member__program", "programs")
    scope_distinct = True
    list_display = ("username", "email", "is_staff", "is_superuser", "hotel", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", ("programs", ScopedRelatedFieldListFilter))
    list_select_related = ("hotel",)
    filter_horizontal = ("groups", "user_permissions", "programs")
    autocomplete_fields = ("hotel",)
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Staff scope"), {"fields": ("programs", "hotel")}),
    )


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


class CardForm(forms.ModelForm):
    """A card of a member. M1, M2: the number of an existing card never changes (make a new card instead), and a
    number is the current card of one member only."""

    class Meta:
        model = Card
        fields = ("member", "number", "kind", "state", "fulfilment", "issued_on", "mailed_on", "replaces")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "number" in self.fields:
            self.fields["number"].disabled = True

    def clean(self):
        cleaned = super().clean()
        member = cleaned.get("member") or (self.instance.member if self.instance.member_id else None)
        number = cleaned.get("number") or self.instance.number
        state = cleaned.get("state") or self.instance.state
        if member is not None and member.pk and number and state == Card.State.CURRENT:
            taken = (
                Card.objects.filter(program_id=member.program_id, number=number, state=Card.State.CURRENT)
                .exclude(pk=self.instance.pk)
                .select_related("member")
                .first()
            )
            if taken is not None:
                raise ValidationError(
                    _("M1: card %(number)s is already a current card of member %(member)s."),
                    params={"number": number, "member": taken.member.number},
                )
        if cleaned.get("fulfilment") == Card.Fulfilment.MAILED and not cleaned.get("mailed_on"):
            raise ValidationError({"mailed_on": _("M4: a mailed card has a mailing date.")})
        return cleaned


class CardInline(ScopedChoicesMixin, admin.TabularInline):
    model = Card
    form = CardForm
    fields = ("number", "kind", "state", "fulfilment", "issued_on", "mailed_on", "replaces")
    fk_name = "member"
    extra = 0
    raw_id_fields = ("replaces",)
    can_delete = False  # M2: every number a member ever held keeps resolving to the member.


class StatusPeriodInline(ReadOnlyInline):
    model = StatusPeriod
    fields = ("tier", "valid_from", "valid_until", "qualification_year", "source")
    ordering = ("-valid_from",)


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
        trial_run(lambda: member_enroll(**self.enrolment_kwargs()), refusal=MembersError)
        return cleaned


class _TrialRun(Exception):
    pass


def trial_run(service, *, refusal: type[Exception]) -> None:
    """Run a service in a transaction that is always rolled back, so that whatever it refuses shows on the form
    (as a ValidationError) before the real run in ``save_model``: rules stay in the service, not in the form."""
    try:
        with transaction.atomic():
            service()
            raise _TrialRun
    except _TrialRun:
        pass
    except refusal as exc:
        raise ValidationError(exc.detail) from exc


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, do it"), required=True)


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Email address (A2)"))


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


OFFICE_FORMS = {
    "reissue": ConfirmForm,
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
class MemberAdmin(StaffScopeMixin, SimpleHistoryAdmin):
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
    raw_id_fields = ("family_of", "merged_into", "user")
    autocomplete_fields = ("enrolled_at",)
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
        today = timezone.localdate()
        rank = Case(
            When(tier=Tier.EXCLUSIVE, then=Value(2)),
            When(tier=Tier.LOYAL, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        tier_now = (
            StatusPeriod.objects.filter(member=OuterRef("pk"), valid_from__lte=today, valid_until__gte=today)
            .annotate(rank=rank)
            .order_by("-rank", "-valid_until")
            .values("tier")[:1]
        )
        return super().get_queryset(request).annotate(tier_now=Subquery(tier_now))

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
        extra_context = {**(extra_context or {}), "office_tasks": self.office_tasks(request, obj)}
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
            except MembersError as exc:
                form.add_error(None, exc.detail)
            else:
                if done:
                    return HttpResponseRedirect(reverse("admin:members_member_change", args=[done.pk]))
        return TemplateResponse(request, "admin/office_form.html", context)

    def _office_run(self, request, member: Member, task: str, form, context) -> Member | None:
        """Call the task's service; ``None``: show the form again (the merge's preview step)."""
        today = timezone.localdate()
        data = form.cleaned_data
        if task == "reissue":
            card = member.cards.filter(kind=Card.Kind.MEMBERSHIP, state=Card.State.CURRENT).first()
            if card is None:
                raise MembersError("the member has no current membership card")
            card_reissue(card=card, on=today, created_by=request.user)
            self.message_user(
                request, _("Card %(n)s reissued; the new card is to be mailed (M4).") % {"n": card.number}
            )
            return member
        if task == "email":
            member_register_email(member=member, email=data["email"], by=request.user)
            self.message_user(request, _("Email registered (A2): the member can now reset the password."))
            return member
        if task == "email_change":
            from .services.identity import member_email_change_request

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
        except MembersError as exc:
            raise MembersError(exc.detail) from exc
        if not self.get_queryset(request).filter(pk=duplicate.pk).exists():
            raise MembersError("no member of your programs holds that card")
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
        today = timezone.localdate()
        summary = points_summary(member=obj, on=today)
        pending = ", ".join(f"{points:,} on {posts_on}" for posts_on, points in summary.pending_by_date) or "—"
        expiring = ", ".join(f"{points:,} after {expires_on}" for expires_on, points in summary.expiring) or "—"
        entries = (
            LedgerEntry.objects.filter(member=obj)
            .select_related("bill__hotel", "created_by")
            .order_by("-effective_on", "-id")[:20]
        )
        rows = [
            (
                e.effective_on,
                e.get_kind_display(),
                f"{e.points:+,}",
                f"{e.pending:+,}",
                e.used_on,
                entry_cause(e),
                describe(e.reason) if e.reason else "",
            )
            for e in entries
        ]
        balance_note = ""
        if summary.balance < 0:
            row = settings_on(program=obj.program, on=today)
            point_value = row.point_value_yen if row is not None else 1
            balance_note = _(" (negative: the office charges the member JPY %(yen)s, R1/EX5)") % {
                "yen": f"{round(-summary.balance * point_value):,}"
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


class CardsToMailFilter(admin.SimpleListFilter):
    """M4: current physical cards waiting to be mailed (the mailing room's list)."""

    title = _("mailing (M4)")
    parameter_name = "to_mail"

    def lookups(self, request, model_admin):
        return (("yes", _("Cards to mail")),)

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(state=Card.State.CURRENT, fulfilment=Card.Fulfilment.TO_BE_MAILED)
        return queryset


@admin.register(Card)
class CardAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    """Cards (M1, M2, M4, M5): the numbers a member holds or held and the mailing of the physical card."""

    program_path = "program"
    form = CardForm
    list_display = ("number", "member", "kind", "state", "fulfilment", "issued_on", "mailed_on")
    list_filter = (CardsToMailFilter, "kind", "state", "fulfilment", ("program", ScopedRelatedFieldListFilter))
    list_select_related = ("member",)
    search_fields = ("=number", "=member__number", "^member__family_name", "^member__given_name")
    raw_id_fields = ("member", "replaces")
    date_hierarchy = "issued_on"
    actions = ("mark_as_mailed", "export_csv")

    def get_readonly_fields(self, request, obj=None):
        return ("program", "member", "number") if obj else ()

    def save_model(self, request, obj, form, change):
        if not change and obj.member_id:
            obj.program_id = obj.member.program_id  # a card belongs to its member's program
        super().save_model(request, obj, form, change)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None and "program" in fields:
            fields.remove("program")
        return fields

    @admin.action(description=_("Mark selected cards as mailed today (M4)"), permissions=["change"])
    def mark_as_mailed(self, request, queryset):
        today = timezone.localdate()
        cards = cards_mark_mailed(cards=list(queryset), on=today, by=request.user)
        skipped = queryset.count() - len(cards)
        self.message_user(request, _("%(n)d card(s) marked as mailed on %(day)s.") % {"n": len(cards), "day": today})
        if skipped:
            self.message_user(
                request,
                _("%(n)d card(s) were not waiting to be mailed and were left as they were.") % {"n": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Export selected cards as CSV for the mailing (M4)"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="cards-to-mail.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["card_number", "kind", "family_name", "given_name", "postal_code", "address", "country", "issued_on"]
        )
        for card in queryset.select_related("member").order_by("member__postal_code", "number"):
            m = card.member
            writer.writerow(
                [
                    card.number,
                    card.kind,
                    m.family_name,
                    m.given_name,
                    m.postal_code,
                    m.address,
                    m.country,
                    card.issued_on,
                ]
            )
        return response


@admin.register(StatusPeriod)
class StatusPeriodAdmin(StaffScopeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """ST1: statuses come from the yearly qualification (J4), the 2013 migration (ST3) or merges (M8)."""

    program_path = "member__program"
    list_display = ("member", "tier", "valid_from", "valid_until", "qualification_year", "source")
    list_filter = ("tier", "source", "qualification_year", ("member__program", ScopedRelatedFieldListFilter))
    list_select_related = ("member",)
    search_fields = ("=member__cards__number", "=member__number")
    raw_id_fields = ("member",)


@admin.register(NameChangeRequest)
class NameChangeRequestAdmin(StaffScopeMixin, SimpleHistoryAdmin):
    """M7: name changes go through the office."""

    one_shot = True  # issue 14: every POST of its forms and actions is one-shot (loyalty.oneshot)

    program_path = "member__program"
    list_display = ("created_at", "member", "family_name", "given_name", "state")
    list_filter = ("state",)
    list_select_related = ("member",)
    search_fields = ("member__cards__number", "member__family_name", "member__email")
    raw_id_fields = ("member",)
    readonly_fields = ("created_at", "decided_at", "decided_by")
    actions = ("apply_name_change", "reject_name_change")

    @admin.action(description=_("Apply the selected name changes (M7)"), permissions=["change"])
    def apply_name_change(self, request, queryset):
        done = 0
        for change in queryset.filter(state=NameChangeRequest.State.OPEN):
            try:
                member_change_name(request=change, by=request.user)
                done += 1
            except MembersError as exc:
                self.message_user(request, f"{change}: {exc.detail}", messages.ERROR)
        self.message_user(request, _("%(n)d name change(s) applied.") % {"n": done})

    @admin.action(description=_("Reject the selected name changes, with an answer (M7)"), permissions=["change"])
    def reject_name_change(self, request, queryset):
        return answer_step(
            self,
            request,
            queryset.filter(state=NameChangeRequest.State.OPEN),
            action="reject_name_change",
            title=_("Reject name changes"),
            run=lambda change, form: name_change_reject(request=change, by=request.user, answer=form["answer"]),
        )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer to the member"), widget=forms.Textarea, required=True)


def answer_step(model_admin, request, queryset, *, action, title, run, form_class=AnswerForm, intro=""):
    """An admin action that asks for input first (an answer, points): the form posts back to the action."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done = 0
        for obj in queryset:
            try:
                run(obj, form.cleaned_data)
                done += 1
            except PointsError as exc:  # every domain refusal (MembersError is one)
                model_admin.message_user(request, f"{obj}: {exc.detail}", messages.ERROR)
        model_admin.message_user(request, _("%(n)d done.") % {"n": done})
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "intro": intro,
        "objects": list(queryset),
        "form": form,
        "action": action,
    }
    return TemplateResponse(request, "admin/office_form.html", context)


def admin_site_urls(site: admin.AdminSite):
    """The admin's URLs for ``loyalty/urls.py``: the admin site plus the per-program dashboards
    (``dashboard/<program>/``). With ``settings.OTP_ADMIN`` (Default: not DEBUG) the site is django-otp's
    ``OTPAdminSite``: every admin page needs a login verified with a TOTP device (``manage.py staff_otp_device``)."""
    from points.admin import dashboard_view

    if getattr(settings, "OTP_ADMIN", not settings.DEBUG):
        from django_otp.admin import OTPAdminSite

        otp_admin_site(site, OTPAdminSite)
    urls = [url_path("dashboard/<slug:program>/", site.admin_view(dashboard_view), name="dashboard"), *site.get_urls()]
    return urls, "admin", site.name


def otp_admin_site(site, otp_class) -> None:
    """Make ``site`` (with every model already registered on it) an OTP admin site: its class becomes a subclass of
    the OTP class, so the login form asks for the token and ``has_permission`` requires ``request.user.is_verified()``
    on every page, the ModelAdmins' included (they call their ``admin_site``)."""
    target = getattr(site, "_wrapped", site)
    if target is empty:
        site._setup()
        target = site._wrapped
    if not isinstance(target, otp_class):
        target.__class__ = type(f"OTP{type(target).__name__}", (otp_class, type(target)), {})
