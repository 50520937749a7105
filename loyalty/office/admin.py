"""Registered by the admin's autodiscovery: the member workspace (``MemberAdmin``) and, in the office's look, the
staff groups (Django's own admin of them)."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group

from loyalty.adminkit import ModelAdmin

from . import members  # noqa: F401  (registers MemberAdmin)

if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class StaffGroupAdmin(GroupAdmin, ModelAdmin):
    pass
