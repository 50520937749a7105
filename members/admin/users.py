"""Logins: members' users and staff (scoped to a program's office or a hotel's front desk)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from loyalty.adminkit import ModelAdmin, ScopedRelatedFieldListFilter, StaffScopeMixin
from members.models import (
    User,
)

# --- Logins --------------------------------------------------------------------------------------------------


@admin.register(User)
class LoyaltyUserAdmin(StaffScopeMixin, UserAdmin, ModelAdmin):
    """Logins: members' My Account logins and staff users with their scope (office of programs, front desk of a
    hotel)."""

    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
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
