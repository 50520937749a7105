"""Job runs (J1-J4: read-only, written by the jobs) and the integration API's tokens (revocable)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from loyalty.adminkit import (
    HistoryAdmin,
    ModelAdmin,
    ReadOnlyAdminMixin,
    ScopedRelatedFieldListFilter,
    StaffScopeMixin,
    number,
)
from points.models import (
    ApiToken,
    JobRun,
)
from points.services.tokens import api_token_revoke

# What a job run counted (``JobRun.counts``, written by points.services.jobs and .reconciliation), in words.
COUNT_WORDS = {
    "lots": lambda n: ngettext("%(n)s point lot", "%(n)s point lots", n),
    "entries": lambda n: ngettext("%(n)s ledger entry", "%(n)s ledger entries", n),
    "members": lambda n: ngettext("%(n)s member", "%(n)s members", n),
    "members_in_debt": lambda n: ngettext("%(n)s member in debt", "%(n)s members in debt", n),
    "qualified": lambda n: ngettext("%(n)s member qualified", "%(n)s members qualified", n),
    "reminders": lambda n: ngettext("%(n)s reminder", "%(n)s reminders", n),
    "emailed": lambda n: ngettext("%(n)s emailed", "%(n)s emailed", n),
    "mismatches": lambda n: ngettext("%(n)s mismatch", "%(n)s mismatches", n),
    "new": lambda n: ngettext("%(n)s new", "%(n)s new", n),
}


def counts_in_words(counts) -> str:
    """A job run's counts as people read them: "1,234 members qualified", never a raw dict; the zeros left out, and
    "Nothing to do" when all are zero."""
    if not counts:
        return "—"
    if all(value == 0 for value in counts.values()):
        return str(_("Nothing to do"))
    parts = []
    for key, value in counts.items():
        if value == 0:
            continue
        words = COUNT_WORDS.get(key)
        if words is None or not isinstance(value, int):
            parts.append(f"{key.replace('_', ' ')}: {value}")
        else:
            parts.append(words(value) % {"n": number(value)})
    return pgettext("list separator", ", ").join(parts)


@admin.register(JobRun)
class JobRunAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    """J1-J4: one row per job, program and as-of date; what it did in words."""

    program_path = "program"
    list_display = ("job", "program", "as_of", "state", "attempts", "finished_at", "counts_text")
    list_filter = ("job", "state", ("program", ScopedRelatedFieldListFilter))
    list_select_related = ("program",)
    date_hierarchy = "as_of"
    fields = ("job", "program", "as_of", "state", "attempts", "started_at", "finished_at", "counts_text", "error")
    readonly_fields = fields

    @admin.display(description=_("what it did"))
    def counts_text(self, obj: JobRun) -> str:
        return counts_in_words(obj.counts)

    def get_fields(self, request, obj=None):
        if obj is not None and not obj.error:
            return [f for f in self.fields if f != "error"]
        return self.fields


# --- API tokens ------------------------------------------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(StaffScopeMixin, HistoryAdmin):
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
