"""PT2: the office ends the program, a hotel's part in it or a service, from a date it announces (issue 15, item 7).

Adding an ending is the office action: the first save shows a preview (who is affected, what stops earning, what
lapses) and asks to confirm; the confirmed save calls ``ending_announce``. An ending is never changed nor deleted
afterwards (its history records who announced it); the action "Lapse the remaining points" runs ``ending_lapse``
once the whole program's points are past the day they were kept until.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from loyalty import clock
from loyalty.adminkit import HistoryAdmin, ScopedRelatedFieldListFilter, StaffScopeMixin
from loyalty.exceptions import LoyaltyError
from points.models import ProgramEnding
from points.services.endings import ending_announce, ending_lapse, ending_preview


class ProgramEndingForm(forms.ModelForm):
    confirm = forms.BooleanField(
        label=_("I have read the preview: announce this ending"),
        required=False,
        help_text=_("Save once to see the preview; tick this and save again to announce it."),
    )

    class Meta:
        model = ProgramEnding
        fields = ("program", "scope", "hotel", "service", "ends_on", "points_kept_until", "note")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.preview = ending_preview(
                program=data["program"],
                scope=data["scope"],
                ends_on=data["ends_on"],
                on=clock.today(),
                hotel=data.get("hotel"),
                service=data.get("service") or "",
                points_kept_until=data.get("points_kept_until"),
            )
        except LoyaltyError as exc:
            raise ValidationError(exc.detail) from exc
        if not data.get("confirm"):
            lines = [_("Preview (nothing is announced yet):"), *self.preview["lines"]]
            raise ValidationError([str(line) for line in lines], code="preview")
        return data


@admin.register(ProgramEnding)
class ProgramEndingAdmin(StaffScopeMixin, HistoryAdmin):
    program_path = "program"
    form = ProgramEndingForm
    list_display = ("program", "scope", "hotel", "service", "announced_on", "ends_on", "points_kept_until", "lapsed_on")
    list_filter = ("scope", ("program", ScopedRelatedFieldListFilter))
    list_select_related = ("program", "hotel")
    actions = ["lapse_points"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*ProgramEndingForm.Meta.fields, "announced_on", "created_by", "created_at", "lapsed_on")

    def get_fields(self, request, obj=None):
        if obj is None:
            return (*ProgramEndingForm.Meta.fields, "confirm")
        return self.get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # PT2: an announcement is not withdrawn by deleting it

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        created = ending_announce(
            program=data["program"],
            scope=data["scope"],
            ends_on=data["ends_on"],
            announced_on=clock.today(),
            hotel=data.get("hotel"),
            service=data.get("service") or "",
            points_kept_until=data.get("points_kept_until"),
            note=data.get("note") or "",
            created_by=request.user,
        )
        obj.pk = created.pk

    @admin.action(description=_("Lapse the remaining points of the ended program (PT2)"), permissions=["change"])
    def lapse_points(self, request, queryset):
        for ending in queryset:
            try:
                closed = ending_lapse(ending=ending, as_of=clock.today(), created_by=request.user)
            except LoyaltyError as exc:
                self.message_user(request, f"{ending}: {exc.detail}", messages.ERROR)
            else:
                self.message_user(request, _("%(n)d memberships closed, their points lapsed.") % {"n": closed})
