from django.apps import AppConfig, apps
from django.forms.utils import pretty_name
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# Issue 16: the office shows the third-party apps it uses under names a Japanese office reads. Their own catalogs have
# no Japanese (the office's catalog, loyalty/office/locale/, has it); where an app or model name is a plain string (or
# no name at all) it is made translatable here. Django's own (auth, admin, contenttypes) are translated by Django.
APP_NAMES = {
    "axes": _("Login attempts"),
    "otp_totp": _("Two-factor: TOTP devices"),
    "otp_static": _("Two-factor: backup codes"),
    "django_celery_beat": _("Periodic Tasks"),
}
MODEL_NAMES = {
    ("otp_totp", "totpdevice"): (_("TOTP device"), _("TOTP devices")),
    ("otp_static", "staticdevice"): (_("static device"), _("static devices")),
    ("otp_static", "statictoken"): (_("static token"), _("static tokens")),
}
THIRD_PARTY = ("axes", "otp_totp", "otp_static", "django_celery_beat")


def translatable(text):
    """A model or app name as gettext_lazy: a plain string of a third-party app becomes a msgid of the catalog."""
    return text if isinstance(text, Promise) else _(str(text))


class OfficeConfig(AppConfig):
    """The office surface: the member workspace and the dashboards on top of the apps' admins."""

    name = "loyalty.office"
    label = "office"

    def ready(self) -> None:
        for label, name in APP_NAMES.items():
            if label in apps.app_configs:
                apps.get_app_config(label).verbose_name = name
        for label in THIRD_PARTY:
            if label not in apps.app_configs:
                continue
            for model in apps.get_app_config(label).get_models():
                opts = model._meta
                names = MODEL_NAMES.get((label, opts.model_name))
                if names:
                    opts.verbose_name, opts.verbose_name_plural = names
                else:
                    opts.verbose_name = translatable(opts.verbose_name)
                    opts.verbose_name_plural = translatable(opts.verbose_name_plural)
                for field in opts.get_fields(include_hidden=True):
                    if getattr(field, "verbose_name", None):
                        field.verbose_name = translatable(field.verbose_name)
                    if getattr(field, "help_text", None):
                        field.help_text = translatable(field.help_text)
        # Their admins' fieldset titles (django-otp's "Identity", "Configuration", ...): the admin is autodiscovered
        # before this app is ready.
        from django.contrib import admin

        for model, model_admin in admin.site._registry.items():
            if model._meta.app_label not in THIRD_PARTY:
                continue
            if model_admin.fieldsets:
                model_admin.fieldsets = [
                    (translatable(title) if title else title, options) for title, options in model_admin.fieldsets
                ]
            for item in model_admin.list_display:  # columns of methods and properties ("Scheduler", "Status")
                if not isinstance(item, str):
                    continue
                column = getattr(type(model_admin), item, None) or getattr(model, item, None)
                column = column.fget if isinstance(column, property) else column
                if callable(column) and not isinstance(column, type):
                    column.short_description = translatable(
                        getattr(column, "short_description", None) or pretty_name(item)
                    )
        # django-simple-history names each history model "historical <model>" once, at import, in English.
        for model in apps.get_models():
            instance_type = getattr(model, "instance_type", None)
            if instance_type is not None and model._meta.model_name.startswith("historical"):
                model._meta.verbose_name = format_lazy(_("historical {}"), instance_type._meta.verbose_name)
                model._meta.verbose_name_plural = format_lazy(
                    _("historical {}"), instance_type._meta.verbose_name_plural
                )
