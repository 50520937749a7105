"""Issue 14 in the office: the email duplicates recorded when the one-email rule came in (A1), and the one-shot
form store (read only)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from loyalty.adminkit import ModelAdmin, ReadOnlyAdminMixin, StaffScopeMixin

from ..exceptions import MembersError
from ..models import EmailDuplicate, FormSubmission
from ..services.identity import email_duplicate_resolve


@admin.register(EmailDuplicate)
class EmailDuplicateAdmin(StaffScopeMixin, ModelAdmin):
    """A1: open memberships that shared an email (members 0014, legacy imports): the office resolves each."""

    program_path = "program"
    one_shot = True
    list_display = ("email", "member", "program", "recorded_at", "resolved_at", "resolved_by")
    list_filter = ("resolved_at",)
    list_select_related = ("member", "program", "resolved_by")
    search_fields = ("=email", "=member__number")
    readonly_fields = ("program", "email", "member", "recorded_at", "resolved_at", "resolved_by")
    actions = ("resolve",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Mark the selected email duplicates resolved"), permissions=["change"])
    def resolve(self, request, queryset):
        done = 0
        for row in queryset.filter(resolved_at__isnull=True):
            try:
                email_duplicate_resolve(duplicate=row, by=request.user)
                done += 1
            except MembersError as exc:
                self.message_user(request, f"{row}: {exc.detail}", messages.ERROR)
        self.message_user(request, _("%(n)d resolved.") % {"n": done})


@admin.register(FormSubmission)
class FormSubmissionAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """Issue 14: one-shot form tokens claimed (superusers only: no program scope)."""

    list_display = ("created_at", "path", "user", "location")
    search_fields = ("path",)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
