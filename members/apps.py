from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        # Issue 14: the email duplicates and the one-shot store in the office (after the admin's autodiscover).
        from django.contrib import admin

        from .admin_identity import register

        register(admin.site)
