"""Job runs (J1-J4: read-only, written by the jobs) and the integration API's tokens (revocable)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from loyalty.adminkit import HistoryAdmin, ModelAdmin, ReadOnlyAdminMixin, ScopedRelatedFieldListFilter, StaffScopeMixin
from points.models import (
    ApiToken,
    JobRun,
)
from points.services.tokens import api_token_revoke


@admin.register(JobRun)
class JobRunAdmin(StaffScopeMixin, ReadOnlyAdminMixin, ModelAdmin):
    """J1-J4: one row per job, program and as-of date."""

    program_path = "program"
    list_display = ("job", "program", "as_of", "state", "attempts", "started_at", "finished_at", "counts")
    list_filter = ("job", "state", ("program", ScopedRelatedFieldListFilter))
    list_select_related = ("program",)
    date_hierarchy = "as_of"


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
