"""Cards (M1, M2, M4, M5, M8: every number ever held resolves to its member), the cards-to-mail work list (M4),
status periods (ST1) and name change requests (M7)."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from loyalty import clock
from loyalty.adminkit import (
    HistoryAdmin,
    ModelAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ScopedChoicesMixin,
    ScopedRelatedFieldListFilter,
    StaffScopeMixin,
    TabularInline,
    answer_step,
)
from loyalty.exceptions import LoyaltyError
from members.models import (
    Card,
    NameChangeRequest,
    StatusPeriod,
)
from members.services.cards import cards_mark_mailed
from members.services.office import member_change_name, name_change_reject


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


class CardInline(ScopedChoicesMixin, TabularInline):
    model = Card
    form = CardForm
    fields = ("number", "kind", "state", "fulfilment", "issued_on", "mailed_on", "replaces")
    fk_name = "member"
    extra = 0
    readonly_fields = ("replaces",)  # set by the reissue (M5), shown by its number: never picked by an internal id
    can_delete = False  # M2: every number a member ever held keeps resolving to the member.

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("replaces")


class StatusPeriodInline(ReadOnlyInline):
    model = StatusPeriod
    fields = ("tier", "valid_from", "valid_until", "qualification_year", "source")
    ordering = ("-valid_from",)


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
class CardAdmin(StaffScopeMixin, HistoryAdmin):
    """Cards (M1, M2, M4, M5): the numbers a member holds or held and the mailing of the physical card."""

    program_path = "program"
    form = CardForm
    list_display = ("number", "member", "kind", "state", "fulfilment", "issued_on", "mailed_on")
    list_filter = (CardsToMailFilter, "kind", "state", "fulfilment", ("program", ScopedRelatedFieldListFilter))
    list_select_related = ("member",)
    search_fields = ("=number", "=member__number", "^member__family_name", "^member__given_name")
    autocomplete_fields = ("member",)
    date_hierarchy = "issued_on"
    actions = ("mark_as_mailed", "export_csv")

    def get_readonly_fields(self, request, obj=None):
        # "replaces" is set by the reissue (M5) and shown by the card's number, never picked by an internal id
        return ("program", "member", "number", "replaces") if obj else ()

    def save_model(self, request, obj, form, change):
        if not change and obj.member_id:
            obj.program_id = obj.member.program_id  # a card belongs to its member's program
        super().save_model(request, obj, form, change)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None:
            fields = [f for f in fields if f not in ("program", "replaces")]
        return fields

    @admin.action(description=_("Mark selected cards as mailed today (M4)"), permissions=["change"])
    def mark_as_mailed(self, request, queryset):
        today = clock.today()
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
class StatusPeriodAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    """ST1: statuses come from the yearly qualification (J4), the 2013 migration (ST3) or merges (M8)."""

    program_path = "member__program"
    list_display = ("member", "tier", "valid_from", "valid_until", "qualification_year", "source")
    list_filter = ("tier", "source", "qualification_year", ("member__program", ScopedRelatedFieldListFilter))
    list_select_related = ("member",)
    search_fields = ("=member__cards__number", "=member__number")
    raw_id_fields = ("member",)


@admin.register(NameChangeRequest)
class NameChangeRequestAdmin(StaffScopeMixin, HistoryAdmin):
    """M7: name changes go through the office."""

    one_shot = True  # issue 14: every POST of its forms and actions is one-shot (loyalty.oneshot)

    program_path = "member__program"
    list_display = ("created_at", "member", "family_name", "given_name", "state")
    list_filter = ("state",)
    list_select_related = ("member",)
    search_fields = ("member__cards__number", "member__family_name", "member__email")
    autocomplete_fields = ("member",)
    readonly_fields = ("created_at", "decided_at", "decided_by")
    actions = ("apply_name_change", "reject_name_change")

    @admin.action(description=_("Apply the selected name changes (M7)"), permissions=["change"])
    def apply_name_change(self, request, queryset):
        done = 0
        for change in queryset.filter(state=NameChangeRequest.State.OPEN):
            try:
                member_change_name(request=change, by=request.user)
                done += 1
            except LoyaltyError as exc:
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
